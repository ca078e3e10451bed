using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Backpack.Web;

/// <summary>The server's requests: pages, assets, the stream list, the login and the viewers' WebSockets.</summary>
public sealed partial class LiveViewServer
{
    internal const string SessionCookie = "backpack_session";

    /// <summary>Time a wrong login waits before its answer: guessing passwords gets slow.</summary>
    private static readonly TimeSpan FailedLoginDelay = TimeSpan.FromMilliseconds(400);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        SetSecurityHeaders(response);
        var path = request.Path.Value ?? "/";
        try
        {
            if (path.StartsWith("/assets/", StringComparison.Ordinal))
            {
                await ServeAssetAsync(context, path["/assets/".Length..]).ConfigureAwait(false);
                return;
            }
            if (path == "/login")
            {
                await (HttpMethods.IsPost(request.Method) ? LoginAsync(context) : ServePageAsync(context, "login.html", StatusCodes.Status200OK)).ConfigureAwait(false);
                return;
            }
            if (path == "/logout" && HttpMethods.IsPost(request.Method))
            {
                _sessions.Close(request.Cookies[SessionCookie]);
                response.Cookies.Delete(SessionCookie);
                Redirect(response, "/login");
                return;
            }
            if (!IsLoggedIn(request))
            {
                await RefuseAnonymousAsync(context, path).ConfigureAwait(false);
                return;
            }
            switch (path)
            {
                case "/":
                    await ServePageAsync(context, "index.html", StatusCodes.Status200OK).ConfigureAwait(false);
                    return;
                case "/api/streams":
                    await ServeStreamListAsync(context).ConfigureAwait(false);
                    return;
            }
            if (path.StartsWith("/view/", StringComparison.Ordinal))
            {
                await ServePlayerAsync(context, path["/view/".Length..]).ConfigureAwait(false);
                return;
            }
            if (path.StartsWith("/ws/", StringComparison.Ordinal))
            {
                await ServeViewerAsync(context, path["/ws/".Length..]).ConfigureAwait(false);
                return;
            }
            await ServeMessageAsync(context, StatusCodes.Status404NotFound, "Not found", "There is nothing at this address.").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // The browser left or the server stops.
        }
    }

    private static void SetSecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        // Only this server's own scripts, styles and sockets; no framing by other sites.
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    private bool IsLoggedIn(HttpRequest request) => Options.Credentials is null || _sessions.IsValid(request.Cookies[SessionCookie]);

    private static async Task RefuseAnonymousAsync(HttpContext context, string path)
    {
        if (path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/ws/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("Log in first: open the server's /login page.", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        Redirect(context.Response, "/login?return=" + Uri.EscapeDataString(path + context.Request.QueryString.Value));
    }

    private async Task LoginAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            await ServeMessageAsync(context, StatusCodes.Status400BadRequest, "Bad request", "Expected the login form.").ConfigureAwait(false);
            return;
        }
        var form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var target = LocalTarget(form["return"]);
        if (Options.Credentials is not { } credentials)
        {
            Redirect(context.Response, target);
            return;
        }
        if (!credentials.Matches(form["user"], form["password"]))
        {
            LogLoginRefused(_logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            await Task.Delay(FailedLoginDelay, context.RequestAborted).ConfigureAwait(false);
            Redirect(context.Response, "/login?error=1&return=" + Uri.EscapeDataString(target));
            return;
        }
        context.Response.Cookies.Append(SessionCookie, _sessions.Open(), new CookieOptions
        {
            HttpOnly = true,
            Secure = Options.Certificate is not null,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = Options.SessionLifetime,
        });
        Redirect(context.Response, target);
    }

    /// <summary>Where to go after the login: a path of this server only (never another site).</summary>
    private static string LocalTarget(StringValues value)
    {
        var target = value.ToString();
        return target.StartsWith('/') && !target.StartsWith("//", StringComparison.Ordinal) && !target.Contains('\\', StringComparison.Ordinal) ? target : "/";
    }

    private static void Redirect(HttpResponse response, string location)
    {
        response.StatusCode = StatusCodes.Status303SeeOther;
        response.Headers.Location = location;
    }

    private static async Task ServeAssetAsync(HttpContext context, string name)
    {
        if (EmbeddedAssets.Find(name) is not { } asset || name.EndsWith(".html", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Content.Length;
        await context.Response.Body.WriteAsync(asset.Content, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ServePageAsync(HttpContext context, string page, int status)
    {
        var asset = EmbeddedAssets.Get(page);
        context.Response.StatusCode = status;
        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Content.Length;
        await context.Response.Body.WriteAsync(asset.Content, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A short page that says what happened (not found, too many viewers), with a link to the list.</summary>
    private static async Task ServeMessageAsync(HttpContext context, int status, string title, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var html = $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Html(title)} · Backpack live view</title>" +
            "<link rel=\"stylesheet\" href=\"/assets/live.css\"></head><body><main class=\"message\">" +
            $"<h1>{Html(title)}</h1><p>{Html(text)}</p><p><a href=\"/\">All streams</a></p></main></body></html>";
        await context.Response.WriteAsync(html, context.RequestAborted).ConfigureAwait(false);
    }

    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    private async Task ServeStreamListAsync(HttpContext context)
    {
        LiveViewStream[] streams;
        lock (_gate)
        {
            streams = [.. _streams.Values.OrderBy(stream => stream.Name, StringComparer.Ordinal)];
        }
        var body = Messages.Write(writer =>
        {
            writer.WriteNumber("viewers", ViewerCount);
            writer.WriteNumber("maxViewers", Options.MaxViewers);
            writer.WriteBoolean("login", Options.Credentials is not null);
            writer.WriteStartArray("streams");
            foreach (var stream in streams)
            {
                stream.WriteSummary(writer);
            }
            writer.WriteEndArray();
        });
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ServePlayerAsync(HttpContext context, string name)
    {
        if (FindStream(name) is null)
        {
            await ServeMessageAsync(context, StatusCodes.Status404NotFound, "No such stream", $"This server shows no stream named '{Messages.Shorten(name)}'.").ConfigureAwait(false);
            return;
        }
        if (ViewerCount >= Options.MaxViewers)
        {
            await TooManyViewersAsync(context).ConfigureAwait(false);
            return;
        }
        await ServePageAsync(context, "player.html", StatusCodes.Status200OK).ConfigureAwait(false);
    }

    private Task TooManyViewersAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "10";
        return ServeMessageAsync(
            context, StatusCodes.Status503ServiceUnavailable, "Too many viewers",
            $"This server lets {Options.MaxViewers} viewers watch at once and they are all watching. Try again when one has left.");
    }

    private async Task ServeViewerAsync(HttpContext context, string name)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Expected a WebSocket.", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        if (!IsAllowedOrigin(context.Request))
        {
            if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Warning))
            {
                LogOriginRefused(_logger, Messages.Shorten(context.Request.Headers.Origin.ToString()));
            }
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        if (FindStream(name) is not { } stream)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!TryTakeViewerPlace())
        {
            await TooManyViewersAsync(context).ConfigureAwait(false);
            return;
        }
        try
        {
            var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            var viewer = new ViewerConnection(socket, stream, Options, _loggerFactory, _logger, _stopping.Token);
            stream.AddViewer(viewer);
            LogViewerJoined(_logger, viewer.Id, stream.Name, context.Connection.RemoteIpAddress);
            await viewer.RunAsync().ConfigureAwait(false);
            LogViewerLeft(_logger, viewer.Id, stream.Name);
        }
        finally
        {
            ReleaseViewerPlace();
        }
    }

    /// <summary>A browser's WebSocket must come from a page of this server (or an allowed origin); clients without an Origin are not browsers.</summary>
    private bool IsAllowedOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }
        var own = $"{request.Scheme}://{request.Host.Value}";
        return string.Equals(origin.TrimEnd('/'), own, StringComparison.OrdinalIgnoreCase) ||
            Options.AllowedOrigins.Contains(uri.GetLeftPart(UriPartial.Authority), StringComparer.OrdinalIgnoreCase);
    }
}
