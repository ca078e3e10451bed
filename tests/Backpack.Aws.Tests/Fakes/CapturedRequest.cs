namespace Backpack.Aws.Tests.Fakes;

/// <summary>One request a fake service received, with the verdict on its signature.</summary>
internal sealed record CapturedRequest(
    string Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    string? SignatureProblem)
{
    public string? QueryValue(string name) => Query.FirstOrDefault(pair => pair.Key == name).Value;

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
