using Forge.Shared.Quality;

namespace Forge.Tests.Quality;

public sealed class NearDuplicateIndexTests
{
    private const string Clause =
        "O contratante pagará à contratada o valor mensal fixado no anexo até o quinto dia útil de cada mês, "
        + "mediante boleto bancário emitido pela contratada com antecedência mínima de dez dias, sob pena de multa "
        + "de dois por cento e juros de um por cento ao mês sobre o valor em atraso.";

    [Fact]
    public void ExactDuplicateReturnsTheFirstId()
    {
        var index = new NearDuplicateIndex();
        var first = Guid.NewGuid();

        index.FindOrAdd(first, Clause).Should().BeNull();
        index.FindOrAdd(Guid.NewGuid(), Clause).Should().Be(first);
    }

    [Fact]
    public void OneWordChangedInFortyWordsIsANearDuplicate()
    {
        var words = Clause.Split(' ');
        words.Should().HaveCount(52);
        var forty = words[..40];
        var changed = forty.ToArray();
        changed[20] = "semanal";
        var index = new NearDuplicateIndex();
        var first = Guid.NewGuid();

        index.FindOrAdd(first, string.Join(' ', forty));
        index.FindOrAdd(Guid.NewGuid(), string.Join(' ', changed)).Should().Be(first);
    }

    [Fact]
    public void UnrelatedTextsAreNotDuplicates()
    {
        var index = new NearDuplicateIndex();

        index.FindOrAdd(Guid.NewGuid(), Clause).Should().BeNull();
        index.FindOrAdd(Guid.NewGuid(), "A rescisão antecipada exige aviso prévio de trinta dias por escrito, com a devolução dos equipamentos cedidos em comodato.")
            .Should().BeNull();
        index.Count.Should().Be(2);
    }

    [Fact]
    public void CaseAccentsAndPunctuationAreIgnored()
    {
        var index = new NearDuplicateIndex();
        var first = Guid.NewGuid();
        var shouted = Clause.ToUpperInvariant().Replace("Á", "A").Replace("Ê", "E").Replace("Ú", "U").Replace(",", " ;").Replace(".", "!!");

        index.FindOrAdd(first, Clause);
        index.FindOrAdd(Guid.NewGuid(), shouted).Should().Be(first);
    }

    [Fact]
    public void FirstTextWinsAndADuplicateIsNotAdded()
    {
        var index = new NearDuplicateIndex();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        index.FindOrAdd(first, Clause).Should().BeNull();
        index.FindOrAdd(second, Clause + " Fim.").Should().Be(first);
        index.FindOrAdd(Guid.NewGuid(), Clause + " Fim.").Should().Be(first);
        index.Count.Should().Be(1);
    }

    [Fact]
    public void WhenSeveralEarlierTextsMatchTheEarliestWins()
    {
        var random = new Random(3);
        var vocabulary = RandomWords(random, 1000);
        var a = RandomText(random, vocabulary, 100);
        // b keeps a's second half (Jaccard about 0.3 with a); c keeps a's last three quarters and b's first quarter
        // (about 0.6 with each).
        var b = RandomText(random, vocabulary, 50).Concat(a[50..]).ToArray();
        var c = b[..25].Concat(a[25..]).ToArray();
        var (idA, idB) = (Guid.NewGuid(), Guid.NewGuid());

        var aFirst = new NearDuplicateIndex(threshold: 0.5);
        aFirst.FindOrAdd(idA, string.Join(' ', a)).Should().BeNull();
        aFirst.FindOrAdd(idB, string.Join(' ', b)).Should().BeNull();
        aFirst.FindOrAdd(Guid.NewGuid(), string.Join(' ', c)).Should().Be(idA);

        var bFirst = new NearDuplicateIndex(threshold: 0.5);
        bFirst.FindOrAdd(idB, string.Join(' ', b)).Should().BeNull();
        bFirst.FindOrAdd(idA, string.Join(' ', a)).Should().BeNull();
        bFirst.FindOrAdd(Guid.NewGuid(), string.Join(' ', c)).Should().Be(idB);
    }

    [Fact]
    public void ShortTextsMatchOnlyTheSameFoldedWords()
    {
        var index = new NearDuplicateIndex();
        var yes = Guid.NewGuid();

        index.FindOrAdd(yes, "Sim!").Should().BeNull();
        index.FindOrAdd(Guid.NewGuid(), "  sim ").Should().Be(yes);
        index.FindOrAdd(Guid.NewGuid(), "Não").Should().BeNull();
        index.FindOrAdd(Guid.NewGuid(), "sim, não").Should().BeNull();
        index.FindOrAdd(Guid.NewGuid(), "não, sim").Should().BeNull();
    }

    [Fact]
    public void SameItemOfferedAgainIsNotItsOwnDuplicate()
    {
        var index = new NearDuplicateIndex();
        var id = Guid.NewGuid();

        index.FindOrAdd(id, Clause);
        index.FindOrAdd(id, Clause).Should().BeNull();
        index.FindOrAdd(Guid.NewGuid(), Clause).Should().Be(id);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void ThresholdOutsideZeroToOneIsRefused(double threshold)
    {
        var create = () => new NearDuplicateIndex(threshold);

        create.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void RandomTextsHaveNoFalsePositivesAndTheirNearCopiesAreFound()
    {
        var random = new Random(20261122);
        var vocabulary = RandomWords(random, 5000);
        var index = new NearDuplicateIndex();
        var originals = new List<(Guid Id, string[] Words)>();
        for (var i = 0; i < 20_000; i++)
        {
            var words = RandomText(random, vocabulary, random.Next(3, 80));
            var id = Guid.NewGuid();
            index.FindOrAdd(id, string.Join(' ', words)).Should().BeNull($"random text {i} shares nothing with the others");
            if (words.Length >= 40)
            {
                originals.Add((id, words));
            }
        }

        foreach (var (id, words) in originals.Take(300))
        {
            // Half the text kept: Jaccard about 0.3, not a duplicate.
            var half = words[..(words.Length / 2)].Concat(RandomText(random, vocabulary, words.Length / 2)).ToArray();
            index.FindOrAdd(Guid.NewGuid(), string.Join(' ', half)).Should().BeNull();

            var nearCopy = words.ToArray();
            nearCopy[random.Next(nearCopy.Length)] = vocabulary[random.Next(vocabulary.Length)];
            index.FindOrAdd(Guid.NewGuid(), string.Join(' ', nearCopy)).Should().Be(id);
        }
    }

    [Fact]
    public void ManyIndexedTextsAreStillFoundAmongEachOther()
    {
        // Speed is the benchmark's business; this checks that lookups stay right with many texts in the index.
        const int count = 10_000;
        var random = new Random(7);
        var vocabulary = RandomWords(random, 20_000);
        var texts = Enumerable.Range(0, count).Select(_ => string.Join(' ', RandomText(random, vocabulary, 100))).ToArray();
        var ids = texts.Select(_ => Guid.NewGuid()).ToArray();
        var index = new NearDuplicateIndex();

        for (var i = 0; i < texts.Length; i++)
        {
            index.FindOrAdd(ids[i], texts[i]);
        }
        var found = Enumerable.Range(0, 100).Count(i => index.FindOrAdd(Guid.NewGuid(), texts[i * 97].ToUpperInvariant()) == ids[i * 97]);

        found.Should().Be(100);
        index.Count.Should().Be(count);
    }

    private static string[] RandomWords(Random random, int count)
    {
        var words = new HashSet<string>();
        while (words.Count < count)
        {
            words.Add(new string(Enumerable.Range(0, random.Next(3, 10)).Select(_ => (char)('a' + random.Next(26))).ToArray()));
        }
        return [.. words];
    }

    private static string[] RandomText(Random random, string[] vocabulary, int length) =>
        Enumerable.Range(0, length).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
}
