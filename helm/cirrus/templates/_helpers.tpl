{{/* Chart name, overridable. */}}
{{- define "cirrus.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every object name: the release name, plus the chart name unless it already holds it. */}}
{{- define "cirrus.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "cirrus.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "cirrus.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "cirrus.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cirrus
{{- end }}

{{/* Selector labels of one component: include with (dict "ctx" $ "component" "operator"). */}}
{{- define "cirrus.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cirrus.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "cirrus.operator.fullname" -}}
{{- printf "%s-operator" (include "cirrus.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cirrus.nodeDaemon.fullname" -}}
{{- printf "%s-node-daemon" (include "cirrus.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cirrus.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "cirrus.operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- else }}
{{- required "operator.serviceAccount.name is required when operator.serviceAccount.create=false" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "cirrus.nodeDaemon.serviceAccountName" -}}
{{- if .Values.nodeDaemon.serviceAccount.create }}
{{- default (include "cirrus.nodeDaemon.fullname" .) .Values.nodeDaemon.serviceAccount.name }}
{{- else }}
{{- required "nodeDaemon.serviceAccount.name is required when nodeDaemon.serviceAccount.create=false" .Values.nodeDaemon.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, the tag defaulting to the chart's appVersion: include with an image values map and $. */}}
{{- define "cirrus.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}
