extension Gateway {
    /// What committed provisioning writes do at the door, done before the SCIM response is
    /// sent: a user made inactive, deleted, or taken out of the last group a rule needs loses
    /// every session at once, and a group change reaches live sessions on their next request.
    /// The SCIM handlers call it after every successful ``ProvisioningStore/apply(_:)``.
    func provisioningApplied(_ changes: [ProvisioningChange], tenant: String, live: GatewayRuntime) async throws {
        // Filled in by the provisioning effects work; the SCIM routes already call it.
    }
}
