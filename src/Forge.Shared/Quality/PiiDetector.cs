using System.Text.RegularExpressions;

namespace Forge.Shared.Quality;

/// <summary>
/// Finds personal data a training item should not carry: e-mail addresses, phone numbers (Brazilian and
/// international), CPF and CNPJ numbers whose check digits are right.
/// </summary>
public static partial class PiiDetector
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Cpf = "cpf";
    public const string Cnpj = "cnpj";

    /// <summary>Every type, in the order <see cref="Detect"/> reports them.</summary>
    public static IReadOnlyList<string> Types { get; } = [Email, Phone, Cpf, Cnpj];

    // Fewer digits than this after a '+' or in a phone-shaped match is a quantity, not a phone number.
    private const int MinPhoneDigits = 8;

    // The patterns need lookarounds (not inside a word or a number), which NonBacktracking lacks; they are linear in
    // practice (bounded repeats, delimited runs), and this caps each match should a text prove otherwise.
    private const int MatchTimeoutMs = 500;

    /// <summary>The types found in <paramref name="text"/>, each once, in the order of <see cref="Types"/>.</summary>
    public static IReadOnlyList<string> Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Spans already taken by an e-mail, CPF or CNPJ: their digits are not also a phone number.
        var taken = new List<Range>();
        var email = Collect(EmailPattern(), text, taken, static _ => true);
        var cnpj = Collect(CnpjPattern(), text, taken, static value => BrazilianTaxIds.IsCnpj(value));
        var cpf = Collect(CpfPattern(), text, taken, static value => BrazilianTaxIds.IsCpf(value));

        var phone = AnyPhone(text, taken);

        var found = new List<string>(4);
        if (email)
        {
            found.Add(Email);
        }
        if (phone)
        {
            found.Add(Phone);
        }
        if (cpf)
        {
            found.Add(Cpf);
        }
        if (cnpj)
        {
            found.Add(Cnpj);
        }
        return found;
    }

    private delegate bool Validator(ReadOnlySpan<char> value);

    // A text that cannot be checked in time is reported as holding the type: a flagged item gets a reviewer's look, an
    // unflagged one does not.
    private static bool Collect(Regex pattern, string text, List<Range> taken, Validator isValid)
    {
        var found = false;
        try
        {
            foreach (var match in pattern.EnumerateMatches(text))
            {
                if (!Overlaps(taken, match.Index, match.Length) && isValid(text.AsSpan(match.Index, match.Length)))
                {
                    taken.Add(new Range(match.Index, match.Index + match.Length));
                    found = true;
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return true;
        }
        return found;
    }

    private static bool AnyPhone(string text, List<Range> taken)
    {
        try
        {
            foreach (var match in PhonePattern().EnumerateMatches(text))
            {
                if (!Overlaps(taken, match.Index, match.Length) && CountDigits(text.AsSpan(match.Index, match.Length)) >= MinPhoneDigits)
                {
                    return true;
                }
            }
            return false;
        }
        catch (RegexMatchTimeoutException)
        {
            return true;
        }
    }

    private static bool Overlaps(List<Range> taken, int start, int length)
    {
        foreach (var range in taken)
        {
            if (start < range.End.Value && range.Start.Value < start + length)
            {
                return true;
            }
        }
        return false;
    }

    private static int CountDigits(ReadOnlySpan<char> value)
    {
        var count = 0;
        foreach (var c in value)
        {
            count += char.IsAsciiDigit(c) ? 1 : 0;
        }
        return count;
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}])",
        RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex EmailPattern();

    // Numeric with or without the usual punctuation, or alphanumeric written with the full punctuation (a bare
    // 14-character code is too often something else).
    [GeneratedRegex(@"(?<![\p{L}\p{N}./-])(?:\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}|[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}/[0-9A-Z]{4}-\d{2})(?![\p{L}\p{N}]|[./-]\p{N})",
        RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex CnpjPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}./-])\d{3}\.?\d{3}\.?\d{3}-?\d{2}(?![\p{L}\p{N}]|[./-]\p{N})", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex CpfPattern();

    // Not inside a word or a number, not after a currency sign; the shapes are:
    //   +55 11 98765-4321, +55 (11) 98765-4321, +1 415 555 0100 (a '+', then groups; no dots, so "+12.500.000" is not one)
    //   (11) 98765-4321, (11) 3456-7890, (415) 555-0100
    //   11 98765-4321, 11987654321 (a mobile: area code, then 9 and eight digits)
    //   11 3456-7890 (a landline, only with its punctuation)
    //   98765-4321 (a mobile without area code)
    // Years, dates (12/03/2024, 2024-03-12), CEPs (01310-100) and money (R$ 1.234,56) match none of them.
    [GeneratedRegex(@"(?<![\p{L}\p{N}$]|\p{N}[.,/-]|\$\s*)"
        + @"(?:\+\d{1,3}[\s-]?(?:\(\d{1,4}\)|\d{1,5})(?:[\s-]?\d{2,5}){1,4}"
        + @"|\(\d{2,3}\)\s?\d{3,5}[\s.-]?\d{4}"
        + @"|\d{2}[\s.-]?9\d{4}[\s.-]?\d{4}"
        + @"|\d{2}\s[2-5]\d{3}-\d{4}"
        + @"|9\d{4}-\d{4})"
        + @"(?![\p{L}\p{N}]|[.,/-]\p{N})",
        RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex PhonePattern();
}
