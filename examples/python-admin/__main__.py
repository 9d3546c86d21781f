"""A mesh admins' stack from Python: MeshWorkloads (istio.io's "Mesh admin steps") on the team's clusters.

The control plane is the operator stack of examples/python-operator, which the component reads through a
StackReference by the stack's name: every value of the control plane comes from there, and everything here waits
for it.
"""
import pulumi
import pulumi_istio_mesh as istio_mesh

config = pulumi.Config()
# Kubeconfig content with this team's contexts only (never the external cluster's).
kubeconfig = config.require_secret("kubeconfig")

workloads = istio_mesh.MeshWorkloads(
    "apps",
    control_plane=istio_mesh.ControlPlaneReferenceArgs(operator_stack="YOUR-ORG/istio-mesh-operator/prod"),
    clusters=istio_mesh.WorkloadClustersArgs(
        config=istio_mesh.WorkloadClusterArgs(
            name="apps-eu-west",
            context="gke_acme-apps_europe-west1_apps-eu-west",
            kubeconfig=kubeconfig,
            gateways=istio_mesh.ClusterGatewaysArgs(ingress=True, egress=True),
        ),
        remotes=[
            istio_mesh.WorkloadClusterArgs(
                name="apps-us-east",
                context="gke_acme-apps_us-east1_apps-us-east",
                kubeconfig=kubeconfig,
                gateways=istio_mesh.ClusterGatewaysArgs(ingress=True),
            ),
        ],
    ),
    samples=False,
)

pulumi.export("clusters", workloads.clusters)
