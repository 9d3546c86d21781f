"""The mesh operator's stack from Python: one ExternalControlPlane (istio.io's "Mesh operator steps").

It exports what the mesh admins' stacks read (examples/python-admin). The clusters come from another stack, so their
API servers are Outputs: the component takes them as Inputs and checks them when they resolve.
"""
import pulumi
import pulumi_istio_mesh as istio_mesh

config = pulumi.Config()
# Kubeconfig content with the external cluster's and every remote cluster's context.
kubeconfig = config.require_secret("kubeconfig")
# The stack that creates the clusters (GKE here) exports each cluster's endpoint.
clusters = pulumi.StackReference("YOUR-ORG/clusters/prod")

control_plane = istio_mesh.ExternalControlPlane(
    "prod",
    istio=istio_mesh.IstioReleaseArgs(version="1.28.10"),
    mesh=istio_mesh.MeshSettingsArgs(id="mesh-prod"),
    clusters=istio_mesh.ControlPlaneClustersArgs(
        external=istio_mesh.ExternalClusterArgs(
            name="cp-eu-west",
            context="gke_acme-mesh_europe-west1_cp-eu-west",
            kubeconfig=kubeconfig,
            istio_system=istio_mesh.IstioSystemNamespace.EXISTING,
        ),
        config=istio_mesh.ControlPlaneRemoteClusterArgs(
            name="apps-eu-west",
            context="gke_acme-apps_europe-west1_apps-eu-west",
            kubeconfig=kubeconfig,
            api_server=clusters.require_output("appsEuWestEndpoint").apply(lambda endpoint: f"https://{endpoint}"),
            network="network-eu-west",
        ),
        remotes=[
            istio_mesh.ControlPlaneRemoteClusterArgs(
                name="apps-us-east",
                context="gke_acme-apps_us-east1_apps-us-east",
                kubeconfig=kubeconfig,
                api_server=clusters.require_output("appsUsEastEndpoint").apply(lambda endpoint: f"https://{endpoint}"),
                network="network-us-east",
            ),
        ],
    ),
    exposure=istio_mesh.ExposureArgs(
        mode=istio_mesh.ExposureMode.HOSTNAME,
        hostname="istiod.mesh.acme.example",
        tls=istio_mesh.ExposureTlsArgs(secret_name="istiod-mesh-acme-example-tls"),
    ),
    east_west_gateways=istio_mesh.EastWestGatewayMode.AUTO,
    protect=True,
)

# The names the admin stacks read (MeshWorkloads' controlPlane.operatorStack reads `remotes`).
pulumi.export("EXTERNAL_ISTIOD_ADDR", control_plane.external_istiod_address)
pulumi.export("controlPlaneLoadBalancer", control_plane.control_plane_load_balancer)
pulumi.export("externalCluster", control_plane.external_cluster)
pulumi.export("remotes", control_plane.remotes)
pulumi.export("revisions", control_plane.revisions)
pulumi.export("revisionTags", control_plane.revision_tags)
