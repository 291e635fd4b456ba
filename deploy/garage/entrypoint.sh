#!/bin/sh
# carrete-garage: runs `garage` (server by default) with the image's
# configuration, whose S3 region, the scope every signature must name, is
# GARAGE_S3_REGION (default us-east-1).  GARAGE_CONFIG_FILE set: that file
# instead.
set -eu
if [ -z "${GARAGE_CONFIG_FILE:-}" ]; then
  region=${GARAGE_S3_REGION:-us-east-1}
  case $region in
    *[!A-Za-z0-9_-]*|'') echo "carrete-garage: GARAGE_S3_REGION must be letters, digits, - or _, got '$region'" >&2; exit 2 ;;
  esac
  export GARAGE_CONFIG_FILE=/tmp/garage.toml
  sed "s/@S3_REGION@/$region/" /etc/garage/garage.toml.in > "$GARAGE_CONFIG_FILE"
fi
exec /usr/bin/garage "$@"
