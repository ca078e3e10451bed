using System.Net;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Rtsp;

/// <summary>Who may watch: credentials, TLS, and the warnings about an exposed server.</summary>
public sealed unsafe partial class RtspServer
{
    /// <summary>
    /// Sets the server's authentication manager: with credentials, clients must give them (Basic and/or Digest)
    /// and get the viewer role; without, every client gets the viewer role (a default token); with a
    /// certificate (PEM text with the private key), clients must speak TLS (rtsps).
    /// </summary>
    private static void ConfigureAuthentication(nint server, RtspCredentials? credentials, RtspAuthenticationMethods methods, string? certificatePem)
    {
        using var auth = GObjectHandle.TakeOwnership(GstRtspServer.AuthNew());
        var token = ViewerToken();
        try
        {
            using (auth.Lease(out var manager))
            {
                if (credentials is null)
                {
                    GstRtspServer.AuthSetDefaultToken(manager, token);
                }
                else
                {
                    GstRtspServer.AuthSetSupportedMethods(manager, (GstRtspServer.AuthMethod)methods);
                    if (methods.HasFlag(RtspAuthenticationMethods.Basic))
                    {
                        var basic = GstRtspServer.AuthMakeBasic(credentials.UserName, credentials.Password);
                        GstRtspServer.AuthAddBasic(manager, basic, token);
                        GLib.Free(basic);
                    }
                    if (methods.HasFlag(RtspAuthenticationMethods.Digest))
                    {
                        GstRtspServer.AuthAddDigest(manager, credentials.UserName, credentials.Password, token);
                    }
                }
                if (certificatePem is not null)
                {
                    var certificate = GstRtsp.TlsCertificateNewFromPem(certificatePem, -1, out var error);
                    if (certificate == 0)
                    {
                        // GIO's message names what is wrong with the PEM (never its content).
                        throw new ArgumentException(
                            $"The TLS certificate (RtspServerOptions.Certificate) cannot be used: {GLib.TakeErrorMessage(error) ?? "no details"}. Expected a certificate with its private key (is the glib-networking package installed?).",
                            nameof(certificatePem));
                    }
                    GstRtspServer.AuthSetTlsCertificate(manager, certificate);
                    GObject.ObjectUnref(certificate);
                }
                GstRtspServer.ServerSetAuth(server, manager);
            }
        }
        finally
        {
            Gst.MiniObjectUnref(token);
        }
    }

    /// <summary>A token (full reference) whose holder plays <see cref="RtspMount.ViewerRole"/>.</summary>
    private static nint ViewerToken()
    {
        var token = GstRtspServer.TokenNewEmpty();
        var value = default(GObject.Value);
        GObject.ValueInit(ref value, GObject.TypeString);
        GObject.ValueSetString(ref value, RtspMount.ViewerRole);
        Gst.StructureSetValue(GstRtspServer.TokenWritableStructure(token), GstRtspServer.TokenMediaFactoryRole, ref value);
        GObject.ValueUnset(ref value);
        return token;
    }

    /// <summary>Warns at start when anyone who reaches a non-loopback address may watch, or when passwords cross the network readable.</summary>
    private void WarnAboutExposure()
    {
        var loopback = IPAddress.IsLoopback(IPAddress.Parse(Options.Address));
        if (Options.Credentials is null && !loopback)
        {
            LogAnonymousExposed(_logger, Options.Address, Port);
        }
        if (Options.Credentials is not null && Options.Certificate is null && !loopback && Options.AuthenticationMethods.HasFlag(RtspAuthenticationMethods.Basic))
        {
            LogBasicInTheClear(_logger, Options.Address, Port);
        }
    }
}
