// A mesh admins' stack from C#: MeshWorkloads (istio.io's "Mesh admin steps") on the team's clusters, against the
// control plane of the operator stack of examples/csharp-operator, which the component reads through a
// StackReference by the stack's name: every value of the control plane (each cluster's role, network, control plane
// namespace and Istio version) comes from there, and everything here waits for it.
using System.Collections.Generic;
using Pulumi;
using Pulumi.IstioMesh;
using Pulumi.IstioMesh.Inputs;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    // Kubeconfig content with this team's contexts only (never the external cluster's).
    var kubeconfig = config.RequireSecret("kubeconfig");

    var workloads = new MeshWorkloads("apps", new MeshWorkloadsArgs
    {
        ControlPlane = new ControlPlaneReferenceArgs { OperatorStack = "YOUR-ORG/istio-mesh-operator/prod" },
        Clusters = new WorkloadClustersArgs
        {
            Config = new WorkloadClusterArgs
            {
                Name = "apps-eu-west",
                Context = "gke_acme-apps_europe-west1_apps-eu-west",
                Kubeconfig = kubeconfig,
                Gateways = new ClusterGatewaysArgs { Ingress = true, Egress = true },
            },
            Remotes =
            {
                new WorkloadClusterArgs
                {
                    Name = "apps-us-east",
                    Context = "gke_acme-apps_us-east1_apps-us-east",
                    Kubeconfig = kubeconfig,
                    Gateways = new ClusterGatewaysArgs { Ingress = true },
                },
            },
        },
        Samples = false,
    });

    return new Dictionary<string, object?>
    {
        ["clusters"] = workloads.Clusters,
    };
});
