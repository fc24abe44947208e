namespace Forge.Shared.Storage;

/// <summary>
/// Loads the HMAC key for download URLs: the configured one, or one generated on first start and kept in
/// the data folder so restarts (and other replicas sharing the folder) keep issued URLs valid.
/// </summary>
public static class SigningKeyStore
{
    public static byte[] Load(StorageOptions options)
    {
        if (!string.IsNullOrEmpty(options.SigningKey))
        {
            return System.Text.Encoding.UTF8.GetBytes(options.SigningKey);
        }
        var path = Path.GetFullPath(options.SigningKeyPath ?? throw new InvalidOperationException("Forge:Storage:SigningKeyPath is not set."));
        if (File.Exists(path))
        {
            return Read(path);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var generated = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, Convert.ToBase64String(generated));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        try
        {
            // No overwrite: when two processes start at once, the first key written wins and both use it.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }
        return Read(path);
    }

    private static byte[] Read(string path)
    {
        var text = File.ReadAllText(path).Trim();
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written) && written >= 16)
        {
            return buffer[..written];
        }
        throw new InvalidOperationException($"The blob signing key file '{path}' is not a base64 key of at least 16 bytes; delete it to generate a new one.");
    }
}
