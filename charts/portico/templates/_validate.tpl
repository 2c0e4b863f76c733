{{/*
Refuses value combinations Portico cannot run with, each with a message saying what to change.
Included at the top of configmap_portico.yaml, so every install, upgrade and `helm template` checks.
*/}}
{{- define "portico.validate" -}}
{{- $v := .Values }}
{{- $external := $v.secrets.existingSecret }}
{{- if not $v.config.publicUrl }}
{{- fail "config.publicUrl is required: the external origin, e.g. https://id.example.com" }}
{{- end }}
{{- if $v.embedded.enabled }}
{{- if or (gt (int $v.serve.replicaCount) 1) $v.serve.autoscaling.enabled }}
{{- fail "embedded mode (PGlite) is single-process: set serve.replicaCount=1 and serve.autoscaling.enabled=false, or disable embedded and set secrets.databaseUrl" }}
{{- end }}
{{- if $v.worker.enabled }}
{{- fail "embedded mode runs jobs inside serve: set worker.enabled=false (a worker needs PostgreSQL and Redis)" }}
{{- end }}
{{- if gt (int $v.config.webConcurrency) 1 }}
{{- fail "embedded mode (PGlite) is single-process: config.webConcurrency must be 1" }}
{{- end }}
{{- if eq $v.config.nodeEnv "production" }}
{{- fail "embedded mode is for evaluation: config.nodeEnv=production requires PostgreSQL, Redis and SMTP" }}
{{- end }}
{{- else }}
{{- if not (or $external $v.secrets.databaseUrl) }}
{{- fail "secrets.databaseUrl (or secrets.existingSecret) is required unless embedded.enabled=true" }}
{{- end }}
{{- if not (or $external $v.secrets.secretKey) }}
{{- fail "secrets.secretKey (or secrets.existingSecret) is required: generate one with `openssl rand -base64 32` and keep it safe" }}
{{- end }}
{{- if and $v.worker.enabled (not (or $external $v.secrets.redisUrl)) }}
{{- fail "worker.enabled=true needs secrets.redisUrl (or secrets.existingSecret): workers take jobs from Redis" }}
{{- end }}
{{- end }}
{{- if eq $v.config.nodeEnv "production" }}
{{- if not (hasPrefix "https://" $v.config.publicUrl) }}
{{- fail "config.nodeEnv=production requires an https config.publicUrl" }}
{{- end }}
{{- if not (or $external (and $v.secrets.redisUrl $v.secrets.smtpUrl)) }}
{{- fail "config.nodeEnv=production requires secrets.redisUrl and secrets.smtpUrl (or secrets.existingSecret)" }}
{{- end }}
{{- end }}
{{- if and $v.kickstart.content $v.kickstart.existingSecret }}
{{- fail "set kickstart.content or kickstart.existingSecret, not both" }}
{{- end }}
{{- range $name, $scaling := dict "serve" $v.serve.autoscaling "worker" $v.worker.autoscaling }}
{{- if and $scaling.enabled (gt (int $scaling.minReplicas) (int $scaling.maxReplicas)) }}
{{- fail (printf "%s.autoscaling.minReplicas must not exceed maxReplicas" $name) }}
{{- end }}
{{- end }}
{{- end }}
