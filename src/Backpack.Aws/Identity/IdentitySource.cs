namespace Backpack.Aws.Identity;

/// <summary>Which source told <see cref="IdentityResolver"/> who this device is, in the order they are tried.</summary>
public enum IdentitySource
{
    /// <summary>AWS Panorama: the application instance of <c>AppGraph_Uid</c>, through <see cref="AutoIdentity"/>.</summary>
    Panorama,

    /// <summary>AWS IoT Greengrass: the core device's thing name (<c>AWS_IOT_THING_NAME</c>).</summary>
    Greengrass,

    /// <summary>Amazon EC2: the instance identity document of the instance metadata service (IMDSv2).</summary>
    Ec2,

    /// <summary>The host itself: its machine id (<c>/etc/machine-id</c>) and host name.</summary>
    Host,
}
