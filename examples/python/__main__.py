"""The prod mesh of this repository's Pulumi.prod.yaml, from Python: one ExternalControlPlaneMesh.

`pulumi package add` generated the pulumi_istio_mesh SDK used here (docs/other-languages.md).
"""
import pulumi
import pulumi_istio_mesh as istio_mesh

config = pulumi.Config()
# Kubeconfig content with every context below (pulumi config set --secret kubeconfig < file). Leave kubeconfig out
# to use the kubeconfig file of the machine running Pulumi instead.
kubeconfig = config.require_secret("kubeconfig")

mesh = istio_mesh.ExternalControlPlaneMesh(
    "prod",
    istio=istio_mesh.IstioReleaseArgs(
        version="1.28.10",
        chart_repository="https://istio-release.storage.googleapis.com/charts",
    ),
    mesh=istio_mesh.MeshSettingsArgs(id="mesh-prod", control_plane_namespace="external-istiod"),
    clusters=istio_mesh.MeshClustersArgs(
        external=istio_mesh.ExternalClusterArgs(
            name="cp-eu-west",
            context="gke_acme-mesh_europe-west1_cp-eu-west",
            kubeconfig=kubeconfig,
            # istio-system exists already: it holds the certificate below.
            istio_system=istio_mesh.IstioSystemNamespace.EXISTING,
        ),
        config=istio_mesh.RemoteClusterArgs(
            name="apps-eu-west",
            context="gke_acme-apps_europe-west1_apps-eu-west",
            kubeconfig=kubeconfig,
            api_server="https://34.76.10.21",
            network="network-eu-west",
            gateways=istio_mesh.ClusterGatewaysArgs(ingress=True, egress=True),
        ),
        remotes=[
            istio_mesh.RemoteClusterArgs(
                name="apps-us-east",
                context="gke_acme-apps_us-east1_apps-us-east",
                kubeconfig=kubeconfig,
                api_server="https://35.196.44.7",
                network="network-us-east",
                gateways=istio_mesh.ClusterGatewaysArgs(ingress=True, egress=True),
            ),
        ],
    ),
    exposure=istio_mesh.ExposureArgs(
        mode=istio_mesh.ExposureMode.HOSTNAME,
        hostname="istiod.mesh.acme.example",
        tls=istio_mesh.ExposureTlsArgs(secret_name="istiod-mesh-acme-example-tls", create=False),
    ),
    east_west_gateways=istio_mesh.EastWestGatewayMode.AUTO,
    samples=False,
    protect=True,
    remote_secret_rotation="2026-11",
)

pulumi.export("EXTERNAL_ISTIOD_ADDR", mesh.external_istiod_address)
pulumi.export("controlPlaneLoadBalancer", mesh.control_plane_load_balancer)
pulumi.export("remotes", mesh.remotes)
pulumi.export("revisions", mesh.revisions)
pulumi.export("revisionTags", mesh.revision_tags)
