using Backpack.Aws.Signing;

namespace Backpack.Aws.Tests.Signing;

/// <summary>The signer against the official AWS Signature Version 4 test suite.</summary>
public sealed class SigV4TestSuiteTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset SignedAt = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly string SuiteDirectory = Path.Combine(AppContext.BaseDirectory, "Signing", "aws-sig-v4-test-suite");

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var directory in Directory.EnumerateDirectories(SuiteDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(directory);
            if (File.Exists(Path.Combine(directory, name + ".req")) || File.Exists(Path.Combine(directory, name + ".sreq")))
            {
                cases.Add(Path.GetRelativePath(SuiteDirectory, directory));
            }
        }
        return cases;
    }

    [Fact]
    public void The_suite_holds_the_cases_this_test_expects()
    {
        Cases().Should().HaveCount(27);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Signing_each_suite_request_gives_the_suites_canonical_request_string_to_sign_and_authorization(string testCase)
    {
        var directory = Path.Combine(SuiteDirectory, testCase);
        var name = Path.GetFileName(directory);
        var (request, expectedAuthorization) = Load(directory, name);

        var signature = new SigV4Signer().Sign(request.Method, request.Path, request.Query, request.Headers,
            SigV4Signer.HexSha256(request.Body), AccessKey, SecretKey, "us-east-1", "service", SignedAt);

        if (File.Exists(Path.Combine(directory, name + ".creq")))
        {
            signature.CanonicalRequest.Should().Be(File.ReadAllText(Path.Combine(directory, name + ".creq")));
        }
        if (File.Exists(Path.Combine(directory, name + ".sts")))
        {
            signature.StringToSign.Should().Be(File.ReadAllText(Path.Combine(directory, name + ".sts")));
        }
        signature.Authorization.Should().Be(expectedAuthorization);
    }

    private static (SuiteRequest Request, string Authorization) Load(string directory, string name)
    {
        var authzFile = Path.Combine(directory, name + ".authz");
        var reqFile = Path.Combine(directory, name + ".req");
        if (File.Exists(reqFile) && File.Exists(authzFile))
        {
            return (SuiteRequest.Parse(File.ReadAllText(reqFile)), File.ReadAllText(authzFile));
        }
        var signed = SuiteRequest.Parse(File.ReadAllText(Path.Combine(directory, name + ".sreq")));
        var authorization = signed.Headers.Single(header => header.Key == "Authorization").Value;
        var unsigned = signed with { Headers = signed.Headers.Where(header => header.Key != "Authorization").ToList() };
        return (unsigned, authorization);
    }
}
