// The mesh operator's stack from C#: one ExternalControlPlane (istio.io's "Mesh operator steps"), exporting what the
// mesh admins' stacks read (examples/csharp-admin). The clusters come from another stack, so their API servers are
// Outputs: the component takes them as Inputs and checks them when they resolve.
using System.Collections.Generic;
using Pulumi;
using Pulumi.IstioMesh;
using Pulumi.IstioMesh.Inputs;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    // Kubeconfig content with the external cluster's and every remote cluster's context.
    var kubeconfig = config.RequireSecret("kubeconfig");
    // The stack that creates the clusters (GKE here) exports each cluster's endpoint.
    var clusters = new StackReference("YOUR-ORG/clusters/prod");

    var controlPlane = new ExternalControlPlane("prod", new ExternalControlPlaneArgs
    {
        Istio = new IstioReleaseArgs { Version = "1.28.10" },
        Mesh = new MeshSettingsArgs { Id = "mesh-prod" },
        Clusters = new ControlPlaneClustersArgs
        {
            External = new ExternalClusterArgs
            {
                Name = "cp-eu-west",
                Context = "gke_acme-mesh_europe-west1_cp-eu-west",
                Kubeconfig = kubeconfig,
                IstioSystem = IstioSystemNamespace.Existing,
            },
            Config = new ControlPlaneRemoteClusterArgs
            {
                Name = "apps-eu-west",
                Context = "gke_acme-apps_europe-west1_apps-eu-west",
                Kubeconfig = kubeconfig,
                ApiServer = clusters.RequireOutput("appsEuWestEndpoint").Apply(endpoint => $"https://{endpoint}"),
                Network = "network-eu-west",
            },
            Remotes =
            {
                new ControlPlaneRemoteClusterArgs
                {
                    Name = "apps-us-east",
                    Context = "gke_acme-apps_us-east1_apps-us-east",
                    Kubeconfig = kubeconfig,
                    ApiServer = clusters.RequireOutput("appsUsEastEndpoint").Apply(endpoint => $"https://{endpoint}"),
                    Network = "network-us-east",
                },
            },
        },
        Exposure = new ExposureArgs
        {
            Mode = ExposureMode.Hostname,
            Hostname = "istiod.mesh.acme.example",
            Tls = new ExposureTlsArgs { SecretName = "istiod-mesh-acme-example-tls" },
        },
        EastWestGateways = EastWestGatewayMode.Auto,
        Protect = true,
    });

    // The names the admin stacks read (MeshWorkloads' controlPlane.operatorStack reads `remotes`). Exporting a map
    // of the package's output types needs Pulumi .NET 3.87 or newer.
    return new Dictionary<string, object?>
    {
        ["EXTERNAL_ISTIOD_ADDR"] = controlPlane.ExternalIstiodAddress,
        ["controlPlaneLoadBalancer"] = controlPlane.ControlPlaneLoadBalancer,
        ["externalCluster"] = controlPlane.ExternalCluster,
        ["remotes"] = controlPlane.Remotes,
        ["revisions"] = controlPlane.Revisions,
        ["revisionTags"] = controlPlane.RevisionTags,
    };
});
