using AmoHub.Grains.Crm.Operations;
using Microsoft.Data.Sqlite;

namespace AmoHub.Tests.Crm;

public sealed class OperationFailuresTests
{
    [Fact]
    public void A_bug_counts_against_a_stored_request_but_a_database_cluster_or_timeout_failure_never_does()
    {
        Assert.True(OperationFailures.IsRequestsOwn(new ArgumentException("A lead submission without its lead.")));
        Assert.True(OperationFailures.IsRequestsOwn(new InvalidOperationException("A bug.", new FormatException())));

        Assert.False(OperationFailures.IsRequestsOwn(new SqliteException("database is locked", 5)));
        Assert.False(OperationFailures.IsRequestsOwn(new SqliteException("disk I/O error", 10)));
        Assert.False(OperationFailures.IsRequestsOwn(new InvalidOperationException("Reading failed.", new SqliteException("disk I/O error", 10))));
        Assert.False(OperationFailures.IsRequestsOwn(new SiloUnavailableException()));
        Assert.False(OperationFailures.IsRequestsOwn(new TimeoutException()));
        Assert.False(OperationFailures.IsRequestsOwn(new TaskCanceledException()));
    }
}
