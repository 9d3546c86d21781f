/**
 * verify/names.ts mirrors names from component/components/ (so the command does not load the Pulumi SDK); this is what keeps
 * the two from drifting apart.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CONTROL_PLANE_GATEWAY_RELEASE, GATEWAY_NAMESPACE } from "../../component/components/controlPlaneGateway";
import { EASTWEST_GATEWAY_RELEASE } from "../../component/components/eastWestGateway";
import { webhookConfigNames } from "../../component/components/externalIstiodValues";
import { EGRESS_GATEWAY_RELEASE, INGRESS_GATEWAY_RELEASE } from "../../component/components/meshGateways";
import { CONFIG_SECRET_NAME, MULTICLUSTER_LABEL, remoteSecretLayout } from "../../component/components/remoteSecret";
import { SAMPLE_NAMESPACE } from "../../component/components/sampleApps";
import { injectionPath, WEBHOOK_PORT } from "../../component/components/urls";
import { routingNames } from "../../component/components/externalIstiodRouting";
import { istiodName, istiodServiceHost, revisionTagWebhook, revisionTagWebhookName } from "../../component/components/revisionObjects";
import { DEFAULT_REVISION } from "../../component/config/revisions";
import * as names from "../../verify/names";

test("verify looks things up by the names the components give them", () => {
  assert.equal(names.ISTIO_SYSTEM, GATEWAY_NAMESPACE);
  assert.equal(names.CONTROL_PLANE_GATEWAY, CONTROL_PLANE_GATEWAY_RELEASE);
  assert.equal(names.INGRESS_GATEWAY, INGRESS_GATEWAY_RELEASE);
  assert.equal(names.EGRESS_GATEWAY, EGRESS_GATEWAY_RELEASE);
  assert.equal(names.EASTWEST_GATEWAY, EASTWEST_GATEWAY_RELEASE);
  assert.equal(names.CONFIG_SECRET_NAME, CONFIG_SECRET_NAME);
  assert.equal(names.CONFIG_SECRET_NAME, remoteSecretLayout("config", "cluster1").secretName);
  assert.equal(names.MULTICLUSTER_LABEL, MULTICLUSTER_LABEL);
  assert.equal(names.remoteSecretName("cluster2"), remoteSecretLayout("remote", "cluster2").secretName);
  assert.equal(names.SAMPLE_NAMESPACE, SAMPLE_NAMESPACE);
  assert.equal(names.WEBHOOK_PORT, WEBHOOK_PORT);
  assert.deepEqual(names.webhookConfigNames("external-istiod"), webhookConfigNames("external-istiod"));
  for (const [cluster, network] of [
    ["cluster1", "network1"],
    ["c", "net/with/slashes"],
  ] as const) {
    assert.equal(names.injectionPath(cluster, network), injectionPath(cluster, network));
  }
});

test("verify looks up a revision's objects by the names the components give them (issue 24)", () => {
  const ns = "external-istiod";
  assert.equal(names.DEFAULT_REVISION, DEFAULT_REVISION);
  for (const revision of [DEFAULT_REVISION, "1-30-3"]) {
    assert.equal(names.istiodName(revision), istiodName(revision));
    assert.equal(names.revisionServiceHost(ns, revision), istiodServiceHost(ns, revision));
    assert.equal(names.injectorConfigName(ns, revision), webhookConfigNames(ns, revision).injection);
  }
  assert.equal(names.revisionVirtualServiceName("1-30-3"), routingNames("1-30-3").virtualService);
  assert.equal(names.revisionTagConfigName(ns, "prod-stable"), revisionTagWebhookName("prod-stable", ns));
  const tag = revisionTagWebhook("prod-stable", "1-30-3", ns, { url: "https://x" });
  assert.deepEqual((tag.webhooks as { name: string }[]).map((w) => w.name), [...names.REVISION_WEBHOOKS]);
  assert.equal(tag.metadata.labels?.[names.REVISION_LABEL], "1-30-3");
});
