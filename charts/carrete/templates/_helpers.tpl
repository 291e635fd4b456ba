{{/* Names, labels and the values every template shares. */}}

{{- define "carrete.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "carrete.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels; call with (dict "ctx" $ "component" "users"). */}}
{{- define "carrete.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: carrete
{{ include "carrete.selectorLabels" . }}
{{- end -}}

{{- define "carrete.selectorLabels" -}}
app.kubernetes.io/name: {{ include "carrete.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image of this chart: (dict "ctx" $ "name" "carrete-users"). */}}
{{- define "carrete.image" -}}
{{- $tag := .ctx.Values.image.tag | default .ctx.Chart.AppVersion -}}
{{- if .ctx.Values.image.registry -}}
{{- printf "%s/%s:%s" .ctx.Values.image.registry .name $tag -}}
{{- else -}}
{{- printf "%s:%s" .name $tag -}}
{{- end -}}
{{- end -}}

{{- define "carrete.publicUrl" -}}
{{- $url := required "publicUrl is required: the address clients reach Carrete at, e.g. --set publicUrl=https://photos.example.org" .Values.publicUrl -}}
{{- if not (regexMatch "^https?://[^/:]+(:[0-9]+)?/?$" $url) -}}
{{- fail (printf "publicUrl must look like https://host[:port], got %q" $url) -}}
{{- end -}}
{{- trimSuffix "/" $url -}}
{{- end -}}

{{- define "carrete.host" -}}
{{- regexReplaceAll "^https?://([^/:]+).*$" (include "carrete.publicUrl" .) "${1}" -}}
{{- end -}}

{{- define "carrete.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "carrete.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* The services that own a database, enabled ones only, as a list. */}}
{{/*
The enabled Deployments: the services, and photos-worker (carrete-photos
running `work`) when photos and its worker are enabled.  JSON: a list of
names.
*/}}
{{- define "carrete.components" -}}
{{- $out := list -}}
{{- range $name := list "users" "photos" "folders" "web" -}}
{{- if (index $.Values.services $name).enabled -}}
{{- $out = append $out $name -}}
{{- end -}}
{{- end -}}
{{- if and .Values.services.photos.enabled .Values.services.photos.worker.enabled -}}
{{- $out = append $out "photos-worker" -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
The values of one component (see carrete.components), as JSON.
*/}}
{{- define "carrete.component" -}}
{{- if eq .name "photos-worker" -}}
{{- toJson .ctx.Values.services.photos.worker -}}
{{- else -}}
{{- toJson (index .ctx.Values.services .name) -}}
{{- end -}}
{{- end -}}

{{- define "carrete.dbServices" -}}
{{- $out := list -}}
{{- range $name := list "users" "photos" "folders" -}}
{{- if (index $.Values.services $name).enabled -}}
{{- $out = append $out $name -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{- define "carrete.keysSecret" -}}
{{- .Values.keys.existingSecret | default (printf "%s-keys" (include "carrete.fullname" .)) -}}
{{- end -}}

{{- define "carrete.dbSecret" -}}
{{- .Values.database.existingSecret | default (printf "%s-db" (include "carrete.fullname" .)) -}}
{{- end -}}

{{- define "carrete.s3Secret" -}}
{{- .Values.storage.s3.existingSecret | default (printf "%s-s3" (include "carrete.fullname" .)) -}}
{{- end -}}

{{- /* The Secret with the OpenID Connect client secret (key client-secret). */}}
{{- define "carrete.oidcSecret" -}}
{{- .Values.oidc.existingSecret | default (printf "%s-oidc" (include "carrete.fullname" .)) -}}
{{- end -}}

{{- define "carrete.databaseHost" -}}
{{- if .Values.postgresql.enabled -}}
{{- printf "%s-postgresql" (include "carrete.fullname" .) -}}
{{- else if .Values.database.existingSecret -}}
{{- .Values.database.host -}}
{{- else -}}
{{- required "database.host is required when postgresql.enabled is false (or give database.existingSecret)" .Values.database.host -}}
{{- end -}}
{{- end -}}

{{- define "carrete.sslMode" -}}
{{- if .Values.postgresql.enabled -}}disable{{- else -}}{{ .Values.database.sslMode }}{{- end -}}
{{- end -}}

{{/*
The object store behind CARRETE_STORAGE=s3: "minio" or "garage" (bundled),
"external", or "" with storage.type fs.  values.schema.json already
refuses another kind; this also stops a render that skipped the schema.
*/}}
{{- define "carrete.objectStore" -}}
{{- if hasKey .Values.minio "enabled" -}}
{{- fail "minio.enabled is gone: set objectStore.kind to minio, garage or external instead (minio.enabled=false meant external; see the chart README, Upgrades)" -}}
{{- end -}}
{{- if eq .Values.storage.type "s3" -}}
{{- $kind := .Values.objectStore.kind | default "" -}}
{{- if not (has $kind (list "minio" "garage" "external")) -}}
{{- fail (printf "objectStore.kind must be minio, garage or external, got %q" $kind) -}}
{{- end -}}
{{- $kind -}}
{{- end -}}
{{- end -}}

{{/* "true" when the object store is bundled (a pod of this release). */}}
{{- define "carrete.bundledStore" -}}
{{- if has (include "carrete.objectStore" .) (list "minio" "garage") -}}true{{- end -}}
{{- end -}}

{{/* The bundled store's S3 port: MinIO's 9000, Garage's 3900. */}}
{{- define "carrete.storePort" -}}
{{- ternary 3900 9000 (eq (include "carrete.objectStore" .) "garage") -}}
{{- end -}}

{{/*
The Garage setup Job's name: <fullname>-garage-setup-<8 hex>, a hash of the
release revision and of everything its pod runs with (62 characters at
most, within a label's 63).
*/}}
{{- define "carrete.garageSetupJob" -}}
{{- $inputs := list .Release.Revision (include "carrete.image" (dict "ctx" . "name" .Values.garage.image)) .Values.garage .Values.storage.s3.bucket .Values.storage.s3.region (include "carrete.s3Secret" .) .Values.image.pullPolicy -}}
{{- printf "%s-garage-setup-%s" (include "carrete.fullname" .) (toJson $inputs | sha256sum | trunc 8) -}}
{{- end -}}

{{- define "carrete.s3Endpoint" -}}
{{- $kind := include "carrete.objectStore" . -}}
{{- if include "carrete.bundledStore" . -}}
{{- printf "http://%s-%s:%s" (include "carrete.fullname" .) $kind (include "carrete.storePort" .) -}}
{{- else -}}
{{- required "storage.s3.endpoint is required when objectStore.kind is external (e.g. https://s3.example.org)" .Values.storage.s3.endpoint -}}
{{- end -}}
{{- end -}}

{{- define "carrete.s3PublicEndpoint" -}}
{{- .Values.storage.s3.publicEndpoint | default (ternary (include "carrete.publicUrl" .) (include "carrete.s3Endpoint" .) (eq (include "carrete.bundledStore" .) "true")) -}}
{{- end -}}

{{- define "carrete.serviceUrl" -}}
{{- printf "http://%s-%s:%v" (include "carrete.fullname" .ctx) .name (index .ctx.Values.services .name).port -}}
{{- end -}}

{{/*
The public key of a P-256 private key made by genPrivateKey "ecdsa", as
PEM.  Helm has no function for it, but the key is SEC1 DER of a fixed
shape: its last 65 bytes are the public point (04 || X || Y).  A
SubjectPublicKeyInfo is a fixed 26-byte header (id-ecPublicKey, prime256v1,
BIT STRING) followed by that point.  The deploy suite checks the result
against `openssl ec -pubout`.
*/}}
{{- define "carrete.ecPublicKey" -}}
{{- $body := regexReplaceAll "-----[A-Z ]+-----|\\s" . "" -}}
{{- $der := b64dec $body -}}
{{- if ne (len $der) 121 -}}
{{- fail "carrete.ecPublicKey: expected a 121-byte SEC1 P-256 key" -}}
{{- end -}}
{{- $header := b64dec "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgA=" -}}
{{- $spki := b64enc (print $header (substr 56 121 $der)) -}}
-----BEGIN PUBLIC KEY-----
{{ substr 0 64 $spki }}
{{ substr 64 124 $spki }}
-----END PUBLIC KEY-----
{{ end -}}

{{/*
The generated Secrets outlive `helm uninstall`: the data of a kept PVC
(PostgreSQL's roles, MinIO's root user, the ids derived from id.key) is
useless without them, and a reinstall under the same release name adopts
them and `lookup` reads them back.
*/}}
{{- define "carrete.secretKeep" -}}
helm.sh/resource-policy: keep
{{- end -}}

{{/* Pod-level settings shared by every workload: (dict "ctx" $ "component" "users"). */}}
{{- define "carrete.podCommon" -}}
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .ctx.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .ctx.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .ctx.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
