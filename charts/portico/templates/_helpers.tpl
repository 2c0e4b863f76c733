{{/* Names ------------------------------------------------------------------------------------------- */}}
{{- define "portico.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "portico.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "portico.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "portico.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "portico.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "portico.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component: call with (dict "root" $ "component" "serve"). */}}
{{- define "portico.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portico.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "portico.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "portico.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "portico.secretName" -}}
{{- default (include "portico.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "portico.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* True ("true") when a secret setting will be present: given in values, or left to existingSecret. */}}
{{- define "portico.hasSecret" -}}
{{- if or .root.Values.secrets.existingSecret (index .root.Values.secrets .key) }}true{{ end }}
{{- end }}

{{/*
Secret environment of every Portico container, read from the chart's Secret or existingSecret. Keys
are the variable names; optional ones may be absent from an existingSecret.
*/}}
{{- define "portico.secretEnv" -}}
{{- $secret := include "portico.secretName" . }}
{{- if not .Values.embedded.enabled }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: DATABASE_URL }
- name: PORTICO_SECRET_KEY
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: PORTICO_SECRET_KEY }
{{- end }}
{{- if include "portico.hasSecret" (dict "root" . "key" "redisUrl") }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: REDIS_URL, optional: {{ not .Values.worker.enabled }} }
{{- end }}
{{- if include "portico.hasSecret" (dict "root" . "key" "smtpUrl") }}
- name: SMTP_URL
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: SMTP_URL, optional: true }
{{- end }}
{{- if include "portico.hasSecret" (dict "root" . "key" "bootstrapAdminPassword") }}
- name: PORTICO_BOOTSTRAP_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: PORTICO_BOOTSTRAP_ADMIN_PASSWORD, optional: true }
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Restarts pods when the rendered configuration changes. */}}
{{- define "portico.configChecksums" -}}
checksum/config: {{ include (print $.Template.BasePath "/configmap_portico.yaml") . | sha256sum }}
checksum/secret: {{ include (print $.Template.BasePath "/secret_portico.yaml") . | sha256sum }}
checksum/kickstart: {{ include (print $.Template.BasePath "/secret_kickstart.yaml") . | sha256sum }}
{{- end }}
