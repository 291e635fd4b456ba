{{/*
The init containers that make a pod's database ready before it serves:
`carrete-db-setup` (from the PostgreSQL image, when database.setup) gives
the service its role and database as the admin user, then `carrete-<svc>
migrate` applies the migrations embedded in the service image (and, for
photos, makes the bucket).  Every pod of users, photos, photos-worker and
folders runs them: both steps are idempotent and serialised by PostgreSQL
advisory locks, so replicas starting together are safe, and nothing waits on
a hook, so `helm install --wait` converges (the pods become ready once
migrated).  Until the database (or the object store) answers, each step
retries for migrations.waitSeconds, then fails, and the kubelet starts it
again with back-off.  Call with (dict "ctx" $ "program" "photos").
*/}}
{{- define "carrete.migrateInitContainers" -}}
{{- $ := .ctx -}}
{{- $program := .program -}}
{{- $wait := int $.Values.migrations.waitSeconds -}}
{{- if $.Values.database.setup -}}
- name: db-setup
  image: {{ include "carrete.image" (dict "ctx" $ "name" $.Values.postgresql.image) }}
  imagePullPolicy: {{ $.Values.image.pullPolicy }}
  terminationMessagePolicy: FallbackToLogsOnError
  command: [carrete-db-setup, carrete_{{ $program }}, carrete_{{ $program }}]
  env:
    - { name: PGHOST, value: {{ include "carrete.databaseHost" $ | quote }} }
    - { name: PGPORT, value: {{ $.Values.database.port | quote }} }
    - { name: PGUSER, value: {{ $.Values.database.adminUser | quote }} }
    - { name: PGSSLMODE, value: {{ include "carrete.sslMode" $ | quote }} }
    - { name: PGCONNECT_TIMEOUT, value: "5" }
    - { name: CARRETE_DB_WAIT_SECONDS, value: {{ $wait | quote }} }
    - name: PGPASSWORD
      valueFrom:
        secretKeyRef: { name: {{ include "carrete.dbSecret" $ }}, key: admin-password }
    - name: CARRETE_DB_PASSWORD
      valueFrom:
        secretKeyRef: { name: {{ include "carrete.dbSecret" $ }}, key: {{ $program }}-password }
  resources:
    requests: { cpu: 10m, memory: 16Mi }
    limits: { memory: 64Mi }
  securityContext:
    {{- toYaml $.Values.securityContext | nindent 4 }}
  volumeMounts:
    - { name: tmp, mountPath: /tmp }
{{ end -}}
- name: migrate
  image: {{ include "carrete.image" (dict "ctx" $ "name" (printf "carrete-%s" $program)) }}
  imagePullPolicy: {{ $.Values.image.pullPolicy }}
  # When it fails, `kubectl describe pod` shows its last lines (the reason:
  # a database or an S3 store that refuses), not only an exit code.
  terminationMessagePolicy: FallbackToLogsOnError
  # The service's own `migrate`, retried while what it needs does not answer.
  command:
    - sh
    - -c
    - |
      end=$(( $(date +%s) + {{ $wait }} ))
      until carrete-{{ $program }} migrate; do
        if [ "$(date +%s)" -ge "$end" ]; then
          echo "migrate: still failing after {{ $wait }} s; the kubelet will start this step again" >&2
          exit 1
        fi
        sleep 3
      done
  envFrom:
    - configMapRef:
        name: {{ include "carrete.fullname" $ }}-config
  env:
    - name: CARRETE_DATABASE_URL
      valueFrom:
        secretKeyRef: { name: {{ include "carrete.dbSecret" $ }}, key: {{ $program }}-url }
    {{- if and (eq $program "photos") (eq $.Values.storage.type "s3") }}
    - name: CARRETE_S3_ACCESS_KEY
      valueFrom:
        secretKeyRef: { name: {{ include "carrete.s3Secret" $ }}, key: access-key }
    - name: CARRETE_S3_SECRET_KEY
      valueFrom:
        secretKeyRef: { name: {{ include "carrete.s3Secret" $ }}, key: secret-key }
    {{- end }}
  resources:
    requests: { cpu: 10m, memory: 16Mi }
    limits: { memory: 128Mi }
  securityContext:
    {{- toYaml $.Values.securityContext | nindent 4 }}
  volumeMounts:
    - { name: tmp, mountPath: /tmp }
{{- end -}}
