// The control plane and a team's workloads in one C# program: MeshWorkloads takes what ExternalControlPlane
// outputs. Each served cluster's record passes field by field, with no cast: the role is the RemoteClusterRole enum
// both ways. (Separate operator and admin stacks: examples/csharp-operator and examples/csharp-admin.)
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Pulumi;
using Pulumi.IstioMesh;
using Pulumi.IstioMesh.Inputs;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    var kubeconfig = config.RequireSecret("kubeconfig");

    var controlPlane = new ExternalControlPlane("mesh", new ExternalControlPlaneArgs
    {
        Istio = new IstioReleaseArgs { Version = "1.28.10" },
        Clusters = new ControlPlaneClustersArgs
        {
            External = new ExternalClusterArgs { Name = "cp-eu-west", Context = "cp-eu-west", Kubeconfig = kubeconfig },
            Config = new ControlPlaneRemoteClusterArgs
            {
                Name = "apps-eu-west",
                Context = "apps-eu-west",
                Kubeconfig = kubeconfig,
                ApiServer = config.Require("appsEuWestApiServer"),
                Network = "network-eu-west",
            },
        },
        Exposure = new ExposureArgs
        {
            Mode = ExposureMode.Hostname,
            Hostname = config.Require("istiodHostname"),
            Tls = new ExposureTlsArgs { SecretName = "istiod-tls" },
        },
    });

    var workloads = new MeshWorkloads("apps", new MeshWorkloadsArgs
    {
        ControlPlane = new ControlPlaneReferenceArgs
        {
            ExternalIstiodAddress = controlPlane.ExternalIstiodAddress,
            Remotes = controlPlane.Remotes.Apply(remotes => remotes.ToImmutableDictionary(
                remote => remote.Key,
                remote => new ServedClusterRecordArgs
                {
                    Role = remote.Value.Role,
                    Network = remote.Value.Network,
                    Namespace = remote.Value.Namespace,
                    IstioVersion = remote.Value.IstioVersion,
                    ControlPlaneRevision = remote.Value.ControlPlaneRevision,
                })),
        },
        Clusters = new WorkloadClustersArgs
        {
            Config = new WorkloadClusterArgs
            {
                Name = "apps-eu-west",
                Context = "apps-eu-west",
                Kubeconfig = kubeconfig,
                Gateways = new ClusterGatewaysArgs { Ingress = true },
            },
        },
        Samples = true,
    });

    return new Dictionary<string, object?>
    {
        ["EXTERNAL_ISTIOD_ADDR"] = controlPlane.ExternalIstiodAddress,
        ["helloworldUrl"] = workloads.HelloworldUrl,
    };
});
