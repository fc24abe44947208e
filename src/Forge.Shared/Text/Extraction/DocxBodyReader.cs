using System.Globalization;
using System.Text;
using System.Xml;

namespace Forge.Shared.Text.Extraction;

/// <summary>
/// Reads the text blocks of <c>word/document.xml</c> in one forward pass of an <see cref="XmlReader"/>, with an
/// explicit stack instead of recursion: no DOM is built (memory follows the text, not the XML) and no nesting,
/// however deep, can overflow the thread's stack. Depth and element count are bounded before anything else.
/// Blocks: body paragraphs (all their text, textboxes included), and tables as rows of cells joined by " | ";
/// content controls (<c>w:sdt</c>) and custom XML wrap ordinary blocks and are looked through.
/// </summary>
internal sealed class DocxBodyReader(int maxDepth, int maxElements)
{
    private const string Main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string Strict = "http://purl.oclc.org/ooxml/wordprocessingml/main";

    private enum Kind { Outside, Document, Blocks, BlockWrapper, Paragraph, InParagraph, Text, Tab, Break, TabStops, Table, TableWrapper, Row, Cell, CellParagraph, Ignored }

    private readonly Stack<Kind> _open = new();
    private readonly StringBuilder _paragraph = new();
    private readonly List<string> _cellParagraphs = [];
    private readonly List<string> _cells = [];
    private readonly List<string> _rows = [];
    private readonly List<string> _blocks = [];
    private bool _sawBody;
    private int _elements;

    public static XmlReaderSettings Settings => new()
    {
        // No DTD at all: no external entities, no entity expansion bombs.
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    /// <exception cref="TextExtractionException">Nesting or size beyond the bounds, or no body.</exception>
    /// <exception cref="XmlException">The XML is malformed.</exception>
    public IReadOnlyList<string> Read(XmlReader reader, CancellationToken cancellationToken)
    {
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (++_elements > maxElements)
                    {
                        throw new TextExtractionException(
                            $"The DOCX file has more than {maxElements.ToString("N0", CultureInfo.InvariantCulture)} XML elements in word/document.xml (the limit, {ExtractionOptions.SectionName}:{nameof(ExtractionOptions.MaxDocxXmlElements)})");
                    }
                    if (reader.Depth >= maxDepth)
                    {
                        throw new TextExtractionException(
                            $"The DOCX file nests its XML more than {maxDepth} levels deep (the limit, {ExtractionOptions.SectionName}:{nameof(ExtractionOptions.MaxDocxXmlDepth)}); it looks crafted");
                    }
                    if ((_elements & 0xFFFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                    var kind = KindOf(_open.Count == 0 ? Kind.Outside : _open.Peek(), reader);
                    Start(kind);
                    if (reader.IsEmptyElement)
                    {
                        End(kind);
                    }
                    else
                    {
                        _open.Push(kind);
                    }
                    break;
                case XmlNodeType.EndElement:
                    End(_open.Pop());
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    if (_open.Count > 0 && _open.Peek() == Kind.Text)
                    {
                        _paragraph.Append(reader.Value);
                    }
                    break;
            }
        }
        return _sawBody ? _blocks : throw new TextExtractionException("The DOCX file has no document body");
    }

    private static Kind KindOf(Kind parent, XmlReader reader)
    {
        var isWord = reader.NamespaceURI is Main or Strict;
        var name = isWord ? reader.LocalName : "";
        return parent switch
        {
            Kind.Outside => name == "document" ? Kind.Document : Kind.Ignored,
            Kind.Document => name == "body" ? Kind.Blocks : Kind.Ignored,
            Kind.Blocks => name switch
            {
                "p" => Kind.Paragraph,
                "tbl" => Kind.Table,
                "sdt" => Kind.BlockWrapper,
                "customXml" => Kind.Blocks,
                _ => Kind.Ignored,
            },
            // Of a content control only its content counts, not its properties.
            Kind.BlockWrapper => name == "sdtContent" ? Kind.Blocks : Kind.Ignored,
            Kind.Paragraph or Kind.InParagraph or Kind.CellParagraph => name switch
            {
                "t" => Kind.Text,
                // A w:tab inside w:tabs is a tab stop definition, not a tab character.
                "tab" => Kind.Tab,
                "br" or "cr" => Kind.Break,
                "tabs" => Kind.TabStops,
                _ => Kind.InParagraph,
            },
            // Rows may sit inside row-level content controls or custom XML; a nested table's rows are its own.
            Kind.Table or Kind.TableWrapper => name switch
            {
                "tr" => Kind.Row,
                "tbl" => Kind.Ignored,
                _ => Kind.TableWrapper,
            },
            Kind.Row => name == "tc" ? Kind.Cell : Kind.Ignored,
            // A cell's own paragraphs; a nested table inside it is not read.
            Kind.Cell => name == "p" ? Kind.CellParagraph : Kind.Ignored,
            _ => Kind.Ignored,
        };
    }

    private void Start(Kind kind)
    {
        switch (kind)
        {
            case Kind.Blocks:
                _sawBody = true;
                break;
            case Kind.Paragraph or Kind.CellParagraph:
                _paragraph.Clear();
                break;
            case Kind.Table:
                _rows.Clear();
                break;
            case Kind.Row:
                _cells.Clear();
                break;
            case Kind.Cell:
                _cellParagraphs.Clear();
                break;
            case Kind.Tab:
                _paragraph.Append('\t');
                break;
            case Kind.Break:
                _paragraph.Append('\n');
                break;
        }
    }

    private void End(Kind kind)
    {
        switch (kind)
        {
            case Kind.Paragraph:
                AddIfNotBlank(_blocks, ParagraphText());
                break;
            case Kind.CellParagraph:
                var text = ParagraphText();
                if (text.Length > 0)
                {
                    _cellParagraphs.Add(text);
                }
                break;
            case Kind.Cell:
                _cells.Add(string.Join(" ", _cellParagraphs));
                break;
            case Kind.Row:
                var line = string.Join(" | ", _cells);
                if (line.Replace("|", "").Trim().Length > 0)
                {
                    _rows.Add(line);
                }
                break;
            case Kind.Table:
                AddIfNotBlank(_blocks, string.Join("\n", _rows));
                break;
        }
    }

    private string ParagraphText() => TxtTextExtractor.NormalizeNewlines(_paragraph.ToString()).Trim();

    private static void AddIfNotBlank(List<string> blocks, string text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            blocks.Add(text);
        }
    }
}
