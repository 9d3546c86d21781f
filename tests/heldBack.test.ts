/**
 * Issue 20, F4: a cluster held one minor behind keeps the access the external istiod's own version needs. The
 * external istiod authenticates as `istiod` on the config cluster (ClusterRole `istiod-clusterrole-<ns>`) and as
 * `istio-reader-service-account` on further remotes (ClusterRole `istio-reader-clusterrole-<ns>`); both ClusterRoles
 * and their bindings come from the istiod chart's `clusterrole.yaml` and `reader-clusterrole.yaml`. So every remote's
 * `istiod` release is rendered from the control plane's chart (1.30's ClusterRole grants `listenersets/status`, which
 * 1.29's does not), and the program adds no RBAC of its own: nothing wider than the charts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { topologyConfig } from "../render/topology";
import { at, expectRendered, ofType, RELEASE, renderConfig, valuesOf } from "./support/render";

for (const [controlPlane, heldBack] of [["1.29.6", "1.28.10"], ["1.30.3", "1.29.6"]] as const) {
  test(`control plane ${controlPlane}, the config cluster and a further remote held at ${heldBack}: their istiod releases are the control plane's chart`, async () => {
    const config = topologyConfig({ remoteClusters: 3, mode: "hostname", istioVersion: controlPlane });
    const clusters = config["istio-mesh:clusters"] as { config: Record<string, unknown>; remotes: Record<string, unknown>[] };
    clusters.config.istioVersion = heldBack;
    clusters.remotes[0]!.istioVersion = heldBack;
    const { rendered } = expectRendered(await renderConfig(config, "held"));
    const releases = ofType(rendered, RELEASE).filter((r) => r.cluster !== "external");
    const byCluster = (cluster: string, name: string) => releases.find((r) => r.cluster === cluster && r.inputs.name === name);
    for (const cluster of ["config", "remote-001", "remote-002"]) {
      const istiod = byCluster(cluster, "istiod");
      assert.equal(istiod?.inputs.version, controlPlane, `${cluster}: istiod (the RBAC the external istiod uses there)`);
      assert.equal(at(valuesOf(istiod), "profile"), "remote");
    }
    assert.equal(at(valuesOf(byCluster("config", "istiod")!), "global.configCluster"), true, "the config cluster's istiod renders the istiod ClusterRole");
    assert.equal(byCluster("config", "istio-base")?.inputs.version, controlPlane, "the config cluster's CRDs");
    // What the pin holds back: a further remote's base (CRDs, the reader service account) and the gateways.
    assert.equal(byCluster("remote-001", "istio-base")?.inputs.version, heldBack);
    assert.equal(byCluster("remote-001", "istio-eastwestgateway")?.inputs.version, heldBack);
    assert.equal(byCluster("config", "istio-ingressgateway")?.inputs.version, heldBack);
    assert.equal(byCluster("remote-002", "istio-base")?.inputs.version, controlPlane, "an unpinned remote follows the control plane");
    const rbac = rendered.resources.filter((r) => r.type.startsWith("kubernetes:rbac.authorization.k8s.io/"));
    assert.deepEqual(rbac.map((r) => r.urn), [], "no RBAC but the charts'");
  });
}
