




namespace AmoHub.ServiceDefaults.Security;

/// <summary>What a caller may do. Each role includes the ones below it: admin ⊇ write ⊇ read.</summary>
public enum AccessRole
{
    /// <summary>Anyone, with or without a key (only for <c>AmoHub:Auth:MetricsAccess</c>).</summary>
    Anonymous = 0,

    /// <summary>Dashboard and monitoring reads, the live stream.</summary>
    Read = 1,

    /// <summary>CRM writes, webhook subscription, account changes, incident notes, notification settings.</summary>
    Write = 2,

    /// <summary>Operator endpoints: the cluster view and the Orleans dashboard.</summary>
    Admin = 3,
}
