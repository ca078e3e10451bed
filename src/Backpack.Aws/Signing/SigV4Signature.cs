namespace Backpack.Aws.Signing;

/// <summary>The result of signing one request, with the intermediate texts the AWS test suite checks.</summary>
/// <param name="CanonicalRequest">The canonical request (task 1 of the signing process).</param>
/// <param name="StringToSign">The string to sign (task 2).</param>
/// <param name="SignedHeaders">The lower-case, <c>;</c>-separated names of the signed headers.</param>
/// <param name="Signature">The lower-case hex signature (task 3).</param>
/// <param name="Authorization">The value of the <c>Authorization</c> header.</param>
internal sealed record SigV4Signature(string CanonicalRequest, string StringToSign, string SignedHeaders, string Signature, string Authorization);
