using System.Security.Cryptography;
using System.Text;
using Forge.Shared.Data;
using Microsoft.IdentityModel.Tokens;

namespace Forge.Functions.Hosting;

/// <summary>
/// The HS256 key the server validates development tokens with and the <c>token</c> verb signs them with:
/// <c>Forge:Auth:SigningKey</c> if configured, otherwise one random key generated once and kept at
/// <c>{Forge:DataPath}/keys/jwt-signing.key</c>, so the CLI and every later run agree on it.
/// </summary>
public sealed class JwtSigningKey
{
    public const string KeyFileName = "jwt-signing.key";

    private JwtSigningKey(string value, bool generated)
    {
        Value = value;
        Generated = generated;
        SecurityKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(value));
    }

    public string Value { get; }

    /// <summary>True when no key was configured and the one under the data folder is used.</summary>
    public bool Generated { get; }

    public SymmetricSecurityKey SecurityKey { get; }

    public static JwtSigningKey Resolve(AuthOptions auth, DataOptions data)
    {
        if (!string.IsNullOrEmpty(auth.SigningKey))
        {
            return new JwtSigningKey(auth.SigningKey, generated: false);
        }
        return new JwtSigningKey(LoadOrCreate(Path.Combine(data.FullDataPath, "keys", KeyFileName)), generated: true);
    }

    private static string LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return ReadKey(path);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        try
        {
            // CreateNew: when the CLI and the server race to create it, one wins and the other reads its key.
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            stream.Write(Encoding.UTF8.GetBytes(key));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return ReadKey(path);
        }
    }

    private static string ReadKey(string path)
    {
        var key = File.ReadAllText(path).Trim();
        if (key.Length < AuthOptions.MinimumSigningKeyLength)
        {
            throw new InvalidOperationException($"The signing key in {path} is shorter than {AuthOptions.MinimumSigningKeyLength} characters; delete it to generate a new one.");
        }
        return key;
    }
}
