using System.Reflection;
using System.Text;
using Backpack.Aws.Signing;

namespace Backpack.Aws.Tests.Signing;

/// <summary>The signing key a signer keeps: reused while nothing it depends on changes, never the secret itself.</summary>
public sealed class SigV4SignerKeyCacheTests
{
    private const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Morning = new(2026, 3, 14, 9, 26, 53, TimeSpan.Zero);

    private static string Sign(SigV4Signer signer, DateTimeOffset? at = null, string accessKey = AccessKey, string secret = Secret, string region = "us-east-1", string service = "monitoring")
    {
        var signedAt = at ?? Morning;
        KeyValuePair<string, string>[] headers = [new("Host", "monitoring.us-east-1.amazonaws.com"), new("X-Amz-Date", SigV4Signer.FormatAmzDate(signedAt))];
        return signer.Sign("POST", "/", "", headers, SigV4Signer.EmptyPayloadHash, accessKey, secret, region, service, signedAt).Authorization;
    }

    [Fact]
    public void Requests_of_one_day_region_service_and_credentials_share_one_derived_key()
    {
        var signer = new SigV4Signer();

        var first = Sign(signer);
        var evening = Sign(signer, Morning.AddHours(14));
        var again = Sign(signer);

        signer.KeysDerived.Should().Be(1);
        first.Should().Be(Sign(new SigV4Signer())).And.Be(again);
        evening.Should().Be(Sign(new SigV4Signer(), Morning.AddHours(14)));
    }

    [Fact]
    public void A_new_day_region_service_or_access_key_derives_a_new_key_and_signs_as_a_fresh_signer_would()
    {
        var signer = new SigV4Signer();
        Sign(signer);

        Sign(signer, Morning.AddDays(1)).Should().Be(Sign(new SigV4Signer(), Morning.AddDays(1)));
        Sign(signer, region: "eu-west-1").Should().Be(Sign(new SigV4Signer(), region: "eu-west-1"));
        Sign(signer, service: "panorama").Should().Be(Sign(new SigV4Signer(), service: "panorama"));
        Sign(signer, accessKey: "ASIAIOSFODNN7EXAMPLE").Should().Be(Sign(new SigV4Signer(), accessKey: "ASIAIOSFODNN7EXAMPLE"));

        signer.KeysDerived.Should().Be(5);
    }

    [Fact]
    public void A_corrected_secret_under_the_same_access_key_id_is_never_signed_with_the_old_key()
    {
        var signer = new SigV4Signer();
        var withTypo = Sign(signer, secret: Secret + "x");

        var corrected = Sign(signer);

        corrected.Should().NotBe(withTypo).And.Be(Sign(new SigV4Signer()));
        signer.KeysDerived.Should().Be(2);
    }

    [Fact]
    public void Each_signer_keeps_its_own_key_so_clients_with_different_credentials_do_not_evict_each_other()
    {
        var cloudWatch = new SigV4Signer();
        var panorama = new SigV4Signer();

        Sign(cloudWatch);
        Sign(panorama, accessKey: "AKIDOTHERCLIENT00001", secret: "another/secret", service: "panorama");
        Sign(cloudWatch);

        cloudWatch.KeysDerived.Should().Be(1);
        panorama.KeysDerived.Should().Be(1);
    }

    [Fact]
    public void After_signing_nothing_the_signer_holds_contains_or_prints_the_secret()
    {
        var signer = new SigV4Signer();
        Sign(signer);

        var held = Reachable(signer).ToList();

        held.Should().Contain(value => value is byte[], "the derived key is kept");
        held.OfType<string>().Should().NotContain(text => text.Contains(Secret, StringComparison.Ordinal));
        held.Select(value => value.ToString() ?? "").Should().NotContain(text => text.Contains(Secret, StringComparison.Ordinal));
        var secretBytes = Encoding.UTF8.GetBytes(Secret);
        held.OfType<byte[]>().Where(bytes => Contains(bytes, secretBytes)).Should().BeEmpty();
    }

    private static bool Contains(byte[] bytes, byte[] part) => bytes.AsSpan().IndexOf(part) >= 0;

    /// <summary>Every object reachable from <paramref name="root"/> through instance fields, the root included.</summary>
    private static IEnumerable<object> Reachable(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object>([root]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }
            yield return current;
            if (current is string or byte[])
            {
                continue;
            }
            foreach (var field in current.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (!field.FieldType.IsValueType && field.GetValue(current) is { } value)
                {
                    pending.Push(value);
                }
            }
        }
    }
}
