{{- /* istiod-<revision>, or istiod for a non-revisioned install. */ -}}
{{- define "istiod.name" -}}
istiod{{ if .Values.revision }}-{{ .Values.revision }}{{ end }}
{{- end -}}

{{- /* The revision label: the revision, or "default" for a non-revisioned install. */ -}}
{{- define "istiod.revision" -}}
{{ .Values.revision | default "default" }}
{{- end -}}
