public import Foundation

/// The kinds of resource an IdP provisions over SCIM.
public enum ProvisionedKind: String, Sendable, Hashable, CaseIterable {
    case user = "User"
    case group = "Group"
}

/// One provisioned resource as stored: its SCIM document and the keys it is found by.
///
/// The store keeps ``document`` as the SCIM layer wrote it and never reads it; every key it
/// searches by (``name``, ``externalID``, ``emails``, ``memberIDs``) is a field of its own,
/// filled by the writer from the document.
public struct ProvisionedRecord: Sendable, Equatable {
    /// User or group.
    public var kind: ProvisionedKind
    /// The server-assigned SCIM `id`.
    public var id: String
    /// The entity ID of the IdP whose provisioning token wrote it, or "" when the token is not
    /// bound to one IdP. Each tenant sees only its own records.
    public var tenant: String
    /// The resource's JSON without `meta`.
    public var document: Data
    /// 1 at creation and one more with each write; `meta.version` is made from it.
    public var revision: Int
    /// When it was created.
    public var created: Date
    /// When it was last written.
    public var lastModified: Date
    /// Users: `userName`. Groups: `displayName`. Unique per kind and tenant, ignoring case.
    public var name: String
    /// The IdP's own identifier for it (`externalId`), if it sent one.
    public var externalID: String?
    /// Users: every email address, lowercased. Empty for groups.
    public var emails: [String]
    /// Users: `active`. Groups: always true.
    public var active: Bool
    /// Groups: the `id`s of the member users. Empty for users.
    public var memberIDs: [String]

    /// A record with every field given.
    public init(
        kind: ProvisionedKind,
        id: String,
        tenant: String,
        document: Data,
        revision: Int,
        created: Date,
        lastModified: Date,
        name: String,
        externalID: String? = nil,
        emails: [String] = [],
        active: Bool = true,
        memberIDs: [String] = []
    ) {
        self.kind = kind
        self.id = id
        self.tenant = tenant
        self.document = document
        self.revision = revision
        self.created = created
        self.lastModified = lastModified
        self.name = name
        self.externalID = externalID
        self.emails = emails
        self.active = active
        self.memberIDs = memberIDs
    }
}

/// One change in a ``ProvisioningStore/apply(_:)`` batch.
public enum ProvisioningWrite: Sendable, Equatable {
    /// Adds a new record. Fails with ``ProvisioningStoreError/uniqueness(_:name:)`` when another
    /// record of its kind and tenant has the same name (ignoring case), and with
    /// ``ProvisioningStoreError/conflict(_:id:)`` when its id is taken.
    case insert(ProvisionedRecord)
    /// Replaces the stored record of the same kind, id and tenant. The stored revision must be
    /// exactly one less than the new record's, so two writers that read the same version
    /// cannot both win: the second fails with ``ProvisioningStoreError/revisionMismatch(_:id:stored:)``.
    case replace(ProvisionedRecord)
    /// Removes a record; fails with ``ProvisioningStoreError/notFound(_:id:)`` when there is none.
    case delete(ProvisionedKind, id: String, tenant: String)
}

/// How a lookup names the records it wants.
public enum ProvisioningKey: Sendable, Hashable {
    /// ``ProvisionedRecord/name``, ignoring case.
    case name(String)
    /// ``ProvisionedRecord/externalID``, exactly.
    case externalID(String)
    /// One of ``ProvisionedRecord/emails``, ignoring case.
    case email(String)
}

/// How many records a tenant holds, for metrics and the SCIM list totals.
public struct ProvisioningCounts: Sendable, Equatable {
    /// Every user.
    public var users: Int
    /// The users whose `active` is true.
    public var activeUsers: Int
    /// Every group.
    public var groups: Int

    /// Counts as given.
    public init(users: Int, activeUsers: Int, groups: Int) {
        self.users = users
        self.activeUsers = activeUsers
        self.groups = groups
    }
}

/// Why a provisioning write failed. The SCIM layer turns each into its SCIM error.
public enum ProvisioningStoreError: Error, Equatable, Sendable {
    /// Another record of this kind and tenant has this name (SCIM 409 `uniqueness`).
    case uniqueness(ProvisionedKind, name: String)
    /// A record with this id exists already (SCIM 409).
    case conflict(ProvisionedKind, id: String)
    /// No record of this kind, id and tenant (SCIM 404).
    case notFound(ProvisionedKind, id: String)
    /// The record changed since the writer read it (SCIM 412 with `If-Match`, else 409).
    case revisionMismatch(ProvisionedKind, id: String, stored: Int)
    /// The backend failed; the text says how.
    case storage(String)
}

/// Provisioned users and groups, kept in the session layer's backend so a deprovisioning
/// write and the revocation it causes reach the same place.
///
/// Writes are durable before ``apply(_:)`` returns and a batch is all-or-nothing: a SCIM
/// request that changes a user and the groups that list it either lands whole or not at all.
/// Reads see every write that returned before them. Listings are in a stable order (creation
/// time, then id), so SCIM paging never skips or repeats a record between pages.
public protocol ProvisioningStore: Sendable {
    /// Applies `writes` in order, all or none.
    func apply(_ writes: [ProvisioningWrite]) async throws(ProvisioningStoreError)
    /// The record of this kind, id and tenant, if any.
    func record(_ kind: ProvisionedKind, id: String, tenant: String) async throws(ProvisioningStoreError) -> ProvisionedRecord?
    /// Every record of this kind and tenant, oldest first (ties by id).
    func records(_ kind: ProvisionedKind, tenant: String) async throws(ProvisioningStoreError) -> [ProvisionedRecord]
    /// The records of this kind and tenant that `key` names, in listing order.
    func records(_ kind: ProvisionedKind, tenant: String, where key: ProvisioningKey) async throws(ProvisioningStoreError)
        -> [ProvisionedRecord]
    /// The groups of this tenant that list `userID` among their members, in listing order.
    func groups(withMember userID: String, tenant: String) async throws(ProvisioningStoreError) -> [ProvisionedRecord]
    /// How many records `tenant` holds; nil counts every tenant.
    func counts(tenant: String?) async throws(ProvisioningStoreError) -> ProvisioningCounts
}

/// One record a committed provisioning write changed, as it was and as it is now; what the
/// door must act on (ending sessions, refusing logins, new groups).
public struct ProvisioningChange: Sendable, Equatable {
    /// The record before the write; nil when the write created it.
    public var before: ProvisionedRecord?
    /// The record after the write; nil when the write deleted it.
    public var after: ProvisionedRecord?

    /// A change from `before` to `after`.
    public init(before: ProvisionedRecord?, after: ProvisionedRecord?) {
        self.before = before
        self.after = after
    }
}
