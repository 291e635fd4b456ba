# The shell suites' (tests/deploy, tests/k8s) way of calling the API with
# curl.  Source it; TOKEN, when set, is sent as a bearer token.

api() { # METHOD URL [BODY] -> sets CODE and BODY
  local out
  out=$(curl -s --max-time 20 -w '\n%{http_code}' -X "$1" "$2" \
        ${TOKEN:+-H "Authorization: Bearer $TOKEN"} ${3:+-H 'Content-Type: application/json' -d "$3"})
  CODE=${out##*$'\n'}
  BODY=${out%$'\n'*}
}

# A member of the last answer's JSON body, e.g. json '["id"]'.
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)" <<<"$BODY"; }
