// Reads rendered Kubernetes manifests (multi-document YAML) on standard input, validates every object against
// the Kubernetes OpenAPI schemas that kubernetes-models ships (the Prometheus Operator's from
// @kubernetes-models/prometheus-operator, for PrometheusRule), and prints the objects as one JSON array on
// standard output for the project's own checks. Exits 1, naming each invalid object, when any fails.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const groups = {
  v1: "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "rbac.authorization.k8s.io/v1": "kubernetes-models/rbac.authorization.k8s.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

const documents = parseAllDocuments(readFileSync(0, "utf8"));
const objects = [];
const failures = [];
for (const document of documents) {
  if (document.errors.length > 0) {
    failures.push(`YAML: ${document.errors.map((error) => error.message).join("; ")}`);
    continue;
  }

  const object = document.toJS();
  if (object === null) {
    continue;
  }

  // kustomize wraps long base64 values of generated Secrets over several lines; Kubernetes' base64 decoder skips
  // line breaks, the schema's "byte" format does not.
  if (object.kind === "Secret" && object.data) {
    for (const key of Object.keys(object.data)) {
      object.data[key] = object.data[key].replace(/\s+/g, "");
    }
  }

  const name = `${object.apiVersion}/${object.kind} ${object.metadata?.name ?? "(no name)"}`;
  const module = groups[object.apiVersion];
  const models = module ? await import(module) : {};
  const Model = models[object.kind];
  if (!Model) {
    failures.push(`${name}: no schema known for this apiVersion and kind`);
    continue;
  }

  try {
    new Model(object).validate();
  } catch (error) {
    failures.push(`${name}: ${error.message}`);
  }

  objects.push(object);
}

if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}

process.stdout.write(JSON.stringify(objects));
