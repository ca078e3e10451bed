namespace Backpack.Aws.Iot;

/// <summary>The MQTT topics of a device shadow (device-shadow-mqtt.md).</summary>
internal static class ShadowTopics
{
    internal const string Get = "/get";
    internal const string Update = "/update";

    /// <summary>What the client subscribes to under each shadow's prefix: each topic by name, no wildcard.</summary>
    internal static readonly (string Suffix, Topic Kind)[] Subscriptions =
    [
        ("/update/delta", Topic.Delta),
        ("/update/accepted", Topic.UpdateAccepted),
        ("/update/rejected", Topic.UpdateRejected),
        ("/get/accepted", Topic.GetAccepted),
        ("/get/rejected", Topic.GetRejected),
        ("/delete/accepted", Topic.DeleteAccepted),
    ];

    /// <summary>Not a topic: the mark the client queues at each connection, before asking for the shadows.</summary>
    internal const string ConnectedMark = "";

    /// <summary><c>$aws/things/{thing}/shadow</c>, or <c>$aws/things/{thing}/shadow/name/{shadow}</c> for a named shadow.</summary>
    internal static string Prefix(string thing, string? shadow) =>
        shadow is null ? $"$aws/things/{thing}/shadow" : $"$aws/things/{thing}/shadow/name/{shadow}";
}

/// <summary>The kinds of shadow message the client receives.</summary>
internal enum Topic
{
    Delta,
    UpdateAccepted,
    UpdateRejected,
    GetAccepted,
    GetRejected,
    DeleteAccepted,
}
