#!/bin/bash
# HEALTHCHECK of the Carrete images, through bash's /dev/tcp so that the
# runtime image needs no curl.  Exit 0 only on an HTTP 200.
#
#   carrete-healthcheck [/PATH]                    this container (port from CARRETE_LISTEN)
#   carrete-healthcheck http://HOST:PORT/PATH      another service (the chart's helm test)
set -u
target=${1:-/healthz}
if [[ $target =~ ^http://([^/:]+):([0-9]+)(/.*)?$ ]]; then
  host=${BASH_REMATCH[1]} port=${BASH_REMATCH[2]} path=${BASH_REMATCH[3]:-/}
else
  listen=${CARRETE_LISTEN:-0.0.0.0:8080}
  host=127.0.0.1 port=${listen##*:} path=$target
fi
exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$host" >&3
IFS= read -r -t 5 status <&3 || exit 1
if [[ $status == HTTP/1.?\ 200* ]]; then
  exit 0
fi
# The problem's detail says why (e.g. /readyz: "The storage is not ready:
# S3 … refused our credentials"); an exec probe's output is what
# `kubectl describe pod` shows.
body=
IFS= read -r -t 5 -d '' -N 4096 body <&3
detail=
if [[ $body =~ \"detail\":\"(([^\"\\]|\\.)*)\" ]]; then
  detail=": ${BASH_REMATCH[1]}"
fi
echo "carrete-healthcheck: $host:$port$path answered: ${status%$'\r'}$detail" >&2
exit 1
