using System.Text.Json;
using Microsoft.Playwright;

namespace Backpack.Web.Tests;

/// <summary>What <c>window.backpackPlayer.stats()</c> says.</summary>
internal sealed record PlayerStats(string Transport, long FramesDecoded, int Width, int Height, bool Connected, double? LatencyMs, string? FallbackReason, string? ConnectionState)
{
    internal static async Task<PlayerStats> ReadAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("() => window.backpackPlayer ? window.backpackPlayer.stats() : null");
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new PlayerStats("none", 0, 0, 0, false, null, null, null);
        }
        return new PlayerStats(
            json.GetProperty("transport").GetString()!,
            json.GetProperty("framesDecoded").GetInt64(),
            json.GetProperty("width").GetInt32(),
            json.GetProperty("height").GetInt32(),
            json.GetProperty("connected").GetBoolean(),
            json.GetProperty("latencyMs").ValueKind == JsonValueKind.Number ? json.GetProperty("latencyMs").GetDouble() : null,
            json.GetProperty("fallbackReason").ValueKind == JsonValueKind.String ? json.GetProperty("fallbackReason").GetString() : null,
            json.GetProperty("connectionState").ValueKind == JsonValueKind.String ? json.GetProperty("connectionState").GetString() : null);
    }

    /// <summary>Waits until the player decodes at least <paramref name="frames"/> frames; returns the last stats.</summary>
    internal static async Task<PlayerStats> WaitForFramesAsync(IPage page, long frames, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        PlayerStats stats;
        do
        {
            stats = await ReadAsync(page);
            if (stats.Connected && stats.FramesDecoded >= frames)
            {
                return stats;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return stats;
    }
}
