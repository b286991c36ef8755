{{- /*
One cluster-scoped CRD of Karpenter. Before 1.1 the CRDs also serve v1beta1 (not stored); from
1.1 on only v1, so an upgrade to 1.1 is refused while status.storedVersions still lists v1beta1.
*/ -}}
{{- define "karpenter-crd.crd" -}}
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: {{ .plural }}.{{ .group }}
spec:
  group: {{ .group }}
  names:
    kind: {{ .kind }}
    listKind: {{ .kind }}List
    plural: {{ .plural }}
    singular: {{ lower .kind }}
    categories:
      - karpenter
  scope: Cluster
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
      subresources:
        status: {}
    {{- if semverCompare "<1.1.0-0" .version }}
    - name: v1beta1
      served: true
      storage: false
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
      subresources:
        status: {}
    {{- end }}
{{- end -}}
