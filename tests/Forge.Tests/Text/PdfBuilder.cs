using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Forge.Tests.Text;

/// <summary>
/// Writes small, valid PDFs by hand: Helvetica text in WinAnsiEncoding (Portuguese accents and the en dash
/// included), optionally encrypted with the standard security handler (RC4, 40-bit, revision 2) so that
/// only the user password opens it.
/// </summary>
internal static class PdfBuilder
{
    private static readonly byte[] PasswordPadding = Convert.FromHexString("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A");
    private static readonly Encoding WinAnsi = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    /// <summary>One page per entry; each line of a page is drawn as a text line.</summary>
    public static byte[] Text(IReadOnlyList<string[]> pages, string? userPassword = null) =>
        Build(pages.Select(lines => PageContent(lines)).ToList(), userPassword);

    /// <summary>One page holding only a filled rectangle: no text layer.</summary>
    public static byte[] RectangleOnly() => Build(["0.5 g 50 50 300 200 re f"], userPassword: null);

    private static string PageContent(string[] lines)
    {
        var content = new StringBuilder("BT /F1 12 Tf 60 760 Td 20 TL");
        foreach (var line in lines)
        {
            content.Append(" (").Append(Escape(line)).Append(") Tj T*");
        }
        return content.Append(" ET").ToString();
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)");

    private static byte[] Build(IReadOnlyList<string> pageContents, string? userPassword)
    {
        // Objects: 1 catalog, 2 pages, 3 font, then a page and its content per page, then the encryption dictionary.
        var objects = new List<byte[]>();
        var pageCount = pageContents.Count;
        var kids = string.Join(" ", Enumerable.Range(0, pageCount).Select(i => $"{4 + 2 * i} 0 R"));
        var fileId = RandomNumberGenerator.GetBytes(16);
        byte[]? key = null;
        var encryptDictionary = "";
        if (userPassword is not null)
        {
            (key, encryptDictionary) = StandardSecurity(userPassword, fileId);
        }

        objects.Add(Latin("<< /Type /Catalog /Pages 2 0 R >>"));
        objects.Add(Latin($"<< /Type /Pages /Kids [{kids}] /Count {pageCount} >>"));
        objects.Add(Latin("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"));
        for (var i = 0; i < pageCount; i++)
        {
            var contentNumber = 5 + 2 * i;
            objects.Add(Latin($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {contentNumber} 0 R >>"));
            var stream = WinAnsi.GetBytes(pageContents[i]);
            if (key is not null)
            {
                stream = Rc4(ObjectKey(key, contentNumber), stream);
            }
            objects.Add([.. Latin($"<< /Length {stream.Length} >>\nstream\n"), .. stream, .. Latin("\nendstream")]);
        }
        if (key is not null)
        {
            objects.Add(Latin(encryptDictionary));
        }

        using var pdf = new MemoryStream();
        pdf.Write(Latin("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n"));
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Position);
            pdf.Write(Latin($"{i + 1} 0 obj\n"));
            pdf.Write(objects[i]);
            pdf.Write(Latin("\nendobj\n"));
        }
        var xref = pdf.Position;
        var table = new StringBuilder($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            table.Append(offset.ToString("D10", CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        }
        var id = Convert.ToHexString(fileId);
        var encrypt = key is null ? "" : $" /Encrypt {objects.Count} 0 R";
        table.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R /ID [<{id}> <{id}>]{encrypt} >>\nstartxref\n{xref}\n%%EOF\n");
        pdf.Write(Latin(table.ToString()));
        return pdf.ToArray();
    }

    /// <summary>Algorithms 3.2 to 3.4 of the PDF 1.4 reference: the file key and the /O and /U entries.</summary>
    private static (byte[] Key, string Dictionary) StandardSecurity(string userPassword, byte[] fileId)
    {
        const int permissions = -44;
        var ownerKey = MD5.HashData(Pad(userPassword + "-owner"))[..5];
        var o = Rc4(ownerKey, Pad(userPassword));
        byte[] keyInput = [.. Pad(userPassword), .. o, .. BitConverter.GetBytes(permissions), .. fileId];
        var key = MD5.HashData(keyInput)[..5];
        var u = Rc4(key, PasswordPadding);
        return (key, $"<< /Filter /Standard /V 1 /R 2 /O <{Convert.ToHexString(o)}> /U <{Convert.ToHexString(u)}> /P {permissions} >>");
    }

    private static byte[] Pad(string password)
    {
        var bytes = Encoding.Latin1.GetBytes(password);
        return [.. bytes.Take(32), .. PasswordPadding.Take(32 - Math.Min(32, bytes.Length))];
    }

    private static byte[] ObjectKey(byte[] key, int objectNumber)
    {
        byte[] input = [.. key, (byte)objectNumber, (byte)(objectNumber >> 8), (byte)(objectNumber >> 16), 0, 0];
        return MD5.HashData(input)[..Math.Min(16, key.Length + 5)];
    }

    private static byte[] Rc4(byte[] key, byte[] data)
    {
        var s = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        for (int i = 0, j = 0; i < 256; i++)
        {
            j = (j + s[i] + key[i % key.Length]) & 0xFF;
            (s[i], s[j]) = (s[j], s[i]);
        }
        var output = new byte[data.Length];
        for (int n = 0, i = 0, j = 0; n < data.Length; n++)
        {
            i = (i + 1) & 0xFF;
            j = (j + s[i]) & 0xFF;
            (s[i], s[j]) = (s[j], s[i]);
            output[n] = (byte)(data[n] ^ s[(s[i] + s[j]) & 0xFF]);
        }
        return output;
    }

    private static byte[] Latin(string text) => Encoding.Latin1.GetBytes(text);
}
