#!/bin/bash
# HEALTHCHECK of the Carrete images: GET /healthz (or the path given) on the
# port from CARRETE_LISTEN, through bash's /dev/tcp, so that the runtime
# image needs no curl.  Exit 0 only on an HTTP 200.
set -u
port=${CARRETE_LISTEN:-0.0.0.0:8080}
port=${port##*:}
path=${1:-/healthz}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 3 status <&3 || exit 1
[[ $status == HTTP/1.?\ 200* ]]
