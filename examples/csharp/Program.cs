// The prod mesh of this repository's Pulumi.prod.yaml, from C#: one ExternalControlPlaneMesh.
// `pulumi package add` generated the Pulumi.IstioMesh SDK used here (docs/other-languages.md).
using System.Collections.Generic;
using Pulumi;
using Pulumi.IstioMesh;
using Pulumi.IstioMesh.Inputs;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    // Kubeconfig content with every context below (pulumi config set --secret kubeconfig < file). Leave Kubeconfig
    // out to use the kubeconfig file of the machine running Pulumi instead.
    var kubeconfig = config.RequireSecret("kubeconfig");

    var mesh = new ExternalControlPlaneMesh("prod", new ExternalControlPlaneMeshArgs
    {
        Istio = new IstioReleaseArgs
        {
            Version = "1.28.10",
            // To upgrade by canary (docs/canary.md): a second external istiod beside this one, on its own DNS name.
            // Canary = new CanaryReleaseArgs { Version = "1.29.6", Hostname = "istiod-1-29-6.mesh.acme.example" },
            ChartRepository = "https://istio-release.storage.googleapis.com/charts",
        },
        Mesh = new MeshSettingsArgs { Id = "mesh-prod", ControlPlaneNamespace = "external-istiod" },
        Clusters = new MeshClustersArgs
        {
            External = new ExternalClusterArgs
            {
                Name = "cp-eu-west",
                Context = "gke_acme-mesh_europe-west1_cp-eu-west",
                Kubeconfig = kubeconfig,
                // istio-system exists already: it holds the certificate below.
                IstioSystem = IstioSystemNamespace.Existing,
            },
            Config = new RemoteClusterArgs
            {
                Name = "apps-eu-west",
                Context = "gke_acme-apps_europe-west1_apps-eu-west",
                Kubeconfig = kubeconfig,
                ApiServer = "https://34.76.10.21",
                Network = "network-eu-west",
                Gateways = new ClusterGatewaysArgs { Ingress = true, Egress = true },
            },
            Remotes =
            {
                new RemoteClusterArgs
                {
                    Name = "apps-us-east",
                    Context = "gke_acme-apps_us-east1_apps-us-east",
                    Kubeconfig = kubeconfig,
                    ApiServer = "https://35.196.44.7",
                    Network = "network-us-east",
                    Gateways = new ClusterGatewaysArgs { Ingress = true, Egress = true },
                },
            },
        },
        Exposure = new ExposureArgs
        {
            Mode = ExposureMode.Hostname,
            Hostname = "istiod.mesh.acme.example",
            Tls = new ExposureTlsArgs { SecretName = "istiod-mesh-acme-example-tls", Create = false },
        },
        EastWestGateways = EastWestGatewayMode.Auto,
        Samples = false,
        Protect = true,
        RemoteSecretRotation = "2026-11",
    });

    return new Dictionary<string, object?>
    {
        ["EXTERNAL_ISTIOD_ADDR"] = mesh.ExternalIstiodAddress,
        ["controlPlaneLoadBalancer"] = mesh.ControlPlaneLoadBalancer,
        ["remotes"] = mesh.Remotes,
        // The external istiods by revision and the revision tags: what `npm run verify` checks per revision.
        ["revisions"] = mesh.Revisions,
        ["revisionTags"] = mesh.RevisionTags,
    };
});
