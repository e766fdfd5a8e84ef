/**
 * A small CRD written for these tests (not Istio's): it exercises every schema feature the layer
 * handles, so each test can fail for exactly one reason.
 */
export const WIDGET_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.mesh.dev
spec:
  group: example.mesh.dev
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        required: [spec]
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: "(has(self.alpha) ? 1 : 0) + (has(self.beta) ? 1 : 0) <= 1"
              message: only one of alpha or beta
            - rule: "!has(self.replicas) || self.replicas != 13"
            - rule: "!has(self.color) || self.color != 'GREEN' || has(self.shade)"
              messageExpression: "'green needs a shade, got ' + string(self.replicas)"
            - rule: "!has(self.mode) || self.mode != 'UPSERT' || self.value != ''"
              message: value must be set for UPSERT
            - rule: "self.alpha == oldSelf.alpha"
              message: alpha is immutable
            properties:
              alpha: { type: string }
              beta: { type: string }
              shade: { type: string }
              value: { type: string }
              mode: { type: string }
              color:
                type: string
                enum: [RED, GREEN]
              name:
                type: string
                minLength: 1
                maxLength: 8
              code:
                type: string
                pattern: "^[a-f0-9]{4}$"
              replicas:
                type: integer
                format: int32
                minimum: 0
                maximum: 4294967295
              ratio:
                type: number
                format: double
                maximum: 1
              timeout:
                type: string
                x-kubernetes-validations:
                - rule: "duration(self) >= duration('1ms')"
                  message: must be a valid duration greater than 1ms
              endpoint:
                type: string
                x-kubernetes-validations:
                - rule: 'url(self).getScheme() in ["http", "https"]'
                  message: url must have scheme http:// or https://
              tags:
                type: array
                maxItems: 2
                items: { type: string }
              port:
                x-kubernetes-int-or-string: true
                anyOf:
                - type: integer
                - type: string
              labels:
                type: object
                minProperties: 1
                additionalProperties:
                  type: string
                  x-kubernetes-validations:
                  - rule: '!self.contains("*")'
                    message: no wildcard in label value
              ports:
                type: object
                x-kubernetes-validations:
                - rule: self.all(key, 0 < int(key) && int(key) <= 65535)
                  message: port must be between 1-65535
                additionalProperties:
                  type: object
                  properties:
                    mode: { type: string }
              listeners:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: { type: string }
                    number:
                      type: integer
                      x-kubernetes-validations:
                      - rule: 0 < self && self <= 65535
                        message: port must be between 1-65535
              match:
                type: object
                oneOf:
                - not:
                    anyOf:
                    - required: [exact]
                    - required: [prefix]
                - required: [exact]
                - required: [prefix]
                properties:
                  exact: { type: string }
                  prefix: { type: string }
              extra:
                type: object
                nullable: true
                x-kubernetes-preserve-unknown-fields: true
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
  - name: v1alpha1
    served: false
    storage: false
    schema:
      openAPIV3Schema:
        type: object
---
apiVersion: v1
kind: ConfigMap
metadata: { name: not-a-crd }
`;

export function widget(spec: Record<string, unknown>, name = 'w1'): Record<string, unknown> {
  return { apiVersion: 'example.mesh.dev/v1', kind: 'Widget', metadata: { name, namespace: 'ns' }, spec };
}
