using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Forge.Shared.Training;

namespace Forge.Tests.Training;

/// <summary>What the hosted-provider tests share: submissions of an export, polling as Forge does, and a port nothing listens on.</summary>
internal static class TrainingTestData
{
    public static TrainingSubmission Submission(byte[] export, string baseModel, string method, JsonObject? hyperparameters, Guid? jobId)
    {
        var id = jobId ?? Guid.NewGuid();
        var data = new TrainingData(
            $"exports/{id}/v1/dataset.jsonl", "dataset.jsonl", export.Length, Convert.ToHexStringLower(SHA256.HashData(export)),
            new Uri("http://localhost/x"), _ => Task.FromResult<Stream>(new MemoryStream(export)));
        return new TrainingSubmission(id, $"forge-{id}", baseModel, method, hyperparameters ?? [], data);
    }

    /// <summary>Polls <paramref name="times"/> times, each with the state the previous poll returned, as Forge does.</summary>
    public static async Task<List<TrainingSnapshot>> PollAsync(ITrainingProvider provider, TrainingSubmitted submitted, int times)
    {
        var snapshots = new List<TrainingSnapshot>();
        var state = submitted.State;
        for (var i = 0; i < times; i++)
        {
            var snapshot = await provider.GetStatusAsync(new TrainingHandle(submitted.ExternalJobId, state), default);
            snapshots.Add(snapshot);
            state = snapshot.State;
        }
        return snapshots;
    }

    /// <summary>A loopback port that was free a moment ago, so a provider pointed at it cannot connect.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
