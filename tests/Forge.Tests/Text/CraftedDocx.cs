using System.IO.Compression;
using System.Text;

namespace Forge.Tests.Text;

/// <summary>
/// DOCX-shaped zips written by hand, no Open XML needed: the crafted files of issue 10 (deep nesting, inflating
/// parts, lying sizes) and bare structures. The DOCX benchmark links this file, so it measures the files the tests refuse.
/// </summary>
internal static class CraftedDocx
{
    /// <summary>A zip with the DOCX structure and one entry of <paramref name="zeroBytes"/> zeros, written streaming.</summary>
    public static byte[] ZipBomb(long zeroBytes)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            WriteEntry(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>""");
            WriteEntry(zip, "word/document.xml", """<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>""");
            using var zeros = zip.CreateEntry("word/media/zeros.bin", CompressionLevel.SmallestSize).Open();
            var chunk = new byte[1024 * 1024];
            for (long written = 0; written < zeroBytes; written += chunk.Length)
            {
                zeros.Write(chunk, 0, (int)Math.Min(chunk.Length, zeroBytes - written));
            }
        }
        return buffer.ToArray();
    }

    private const string ContentTypes = """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>""";
    private const string DocumentStart = """<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>""";
    private const string DocumentEnd = "</w:body></w:document>";

    /// <summary>
    /// The crafted DOCX of issue 10: a stored (uncompressed) zip whose body nests <paramref name="levels"/> content
    /// controls around one paragraph. About 4.4 MB at 100,000 levels; recursive readers overflow the stack on it.
    /// </summary>
    public static byte[] DeeplyNestedDocx(int levels, string text = "deep")
    {
        var xml = new StringBuilder(levels * 45 + 200).Append(DocumentStart);
        for (var i = 0; i < levels; i++)
        {
            xml.Append("<w:sdt><w:sdtContent>");
        }
        xml.Append($"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>");
        for (var i = 0; i < levels; i++)
        {
            xml.Append("</w:sdtContent></w:sdt>");
        }
        xml.Append(DocumentEnd);
        return ZipOf(CompressionLevel.NoCompression, ("[Content_Types].xml", ContentTypes), ("word/document.xml", xml.ToString()));
    }

    /// <summary>
    /// A DOCX whose word/document.xml expands to about <paramref name="xmlBytes"/> of ordinary paragraphs
    /// (compressing about 1000:1), optionally declaring a tiny size for it in both zip headers.
    /// </summary>
    public static byte[] ExpandingDocx(long xmlBytes, bool lieAboutSize = false)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            WriteEntry(zip, "[Content_Types].xml", ContentTypes);
            using var document = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            document.Write(Encoding.UTF8.GetBytes(DocumentStart));
            var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<w:p><w:r><w:t>palavra</w:t></w:r></w:p>", 4096)));
            for (long written = 0; written < xmlBytes; written += chunk.Length)
            {
                document.Write(chunk);
            }
            document.Write(Encoding.UTF8.GetBytes(DocumentEnd));
        }
        var bytes = buffer.ToArray();
        return lieAboutSize ? DeclareTinySize(bytes, "word/document.xml") : bytes;
    }

    /// <summary>Rewrites the uncompressed size of <paramref name="entryName"/> to 1 KB in its local and central headers.</summary>
    public static byte[] DeclareTinySize(byte[] zip, string entryName)
    {
        var name = Encoding.ASCII.GetBytes(entryName);
        var patched = 0;
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            var signature = BitConverter.ToUInt32(zip, i);
            var (sizeOffset, nameOffset) = signature switch
            {
                0x04034b50 => (22, 30),
                0x02014b50 => (24, 46),
                _ => (-1, -1),
            };
            if (sizeOffset >= 0 && zip.AsSpan(i + nameOffset).StartsWith(name))
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + sizeOffset, 4), 1024u);
                patched++;
            }
        }
        if (patched != 2)
        {
            throw new InvalidOperationException($"Expected a local and a central header for {entryName}, patched {patched}");
        }
        return zip;
    }

    public static byte[] Zip(params (string Name, string Content)[] entries) => ZipOf(CompressionLevel.Optimal, entries);

    private static byte[] ZipOf(CompressionLevel level, params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                WriteEntry(zip, name, content, level);
            }
        }
        return buffer.ToArray();
    }

    private static void WriteEntry(ZipArchive zip, string name, string content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}
