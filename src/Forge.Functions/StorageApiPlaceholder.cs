namespace Forge.Shared.Storage;

public static class StorageApi
{
    public static IEndpointRouteBuilder MapStorageApi(this IEndpointRouteBuilder routes) => routes;
}
