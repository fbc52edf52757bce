extension SCIMSchema {
    /// The attributes every resource has (RFC 7643 §3.1). They belong to no schema, so the
    /// `/Schemas` documents do not list them, but filters, PATCH and projection use them.
    public static let commonAttributes: [SCIMAttribute] = [
        SCIMAttribute(
            "id", .string, description: "Unique identifier assigned by the service provider.", caseExact: true,
            mutability: .readOnly, returned: .always, uniqueness: .server),
        SCIMAttribute("externalId", .string, description: "Identifier assigned by the provisioning client.", caseExact: true),
        SCIMAttribute(
            "meta", .complex, description: "Resource metadata.", mutability: .readOnly,
            subAttributes: [
                SCIMAttribute("resourceType", .string, caseExact: true, mutability: .readOnly),
                SCIMAttribute("created", .dateTime, mutability: .readOnly),
                SCIMAttribute("lastModified", .dateTime, mutability: .readOnly),
                SCIMAttribute("location", .reference, caseExact: true, mutability: .readOnly, referenceTypes: ["uri"]),
                SCIMAttribute("version", .string, caseExact: true, mutability: .readOnly),
            ]),
        SCIMAttribute(
            "schemas", .reference, multiValued: true, description: "The schema URNs the resource uses.", required: true,
            returned: .always, referenceTypes: ["uri"]),
    ]

    /// A `value`/`display`/`type`/`primary` multi-valued attribute (RFC 7643 §2.4).
    static func plural(
        _ name: String, description: String, valueType: SCIMAttribute.DataType = .string, types: [String],
        referenceTypes: [String] = []
    ) -> SCIMAttribute {
        SCIMAttribute(
            name, .complex, multiValued: true, description: description,
            subAttributes: [
                SCIMAttribute("value", valueType, description: "The value.", referenceTypes: referenceTypes),
                SCIMAttribute("display", .string, description: "A human-readable name."),
                SCIMAttribute("type", .string, description: "A label for the value's function.", canonicalValues: types),
                SCIMAttribute("primary", .boolean, description: "Whether this is the preferred value."),
            ])
    }

    /// The core User schema (RFC 7643 §4.1, §8.7.1).
    public static let user = SCIMSchema(
        id: SCIMSchemaURN.user, name: "User", description: "User Account",
        attributes: [
            SCIMAttribute(
                "userName", .string, description: "Unique identifier for the User, used to sign in.", required: true,
                uniqueness: .server),
            SCIMAttribute(
                "name", .complex, description: "The components of the user's real name.",
                subAttributes: [
                    SCIMAttribute("formatted", .string, description: "The full name, formatted for display."),
                    SCIMAttribute("familyName", .string, description: "The family name."),
                    SCIMAttribute("givenName", .string, description: "The given name."),
                    SCIMAttribute("middleName", .string, description: "The middle name(s)."),
                    SCIMAttribute("honorificPrefix", .string, description: "The honorific prefix, such as Ms."),
                    SCIMAttribute("honorificSuffix", .string, description: "The honorific suffix, such as III."),
                ]),
            SCIMAttribute("displayName", .string, description: "The name suitable for display to end-users."),
            SCIMAttribute("nickName", .string, description: "The casual way to address the user."),
            SCIMAttribute("profileUrl", .reference, description: "The user's online profile.", referenceTypes: ["external"]),
            SCIMAttribute("title", .string, description: "The user's title, such as Vice President."),
            SCIMAttribute("userType", .string, description: "The relationship to the organization, such as Employee."),
            SCIMAttribute("preferredLanguage", .string, description: "The preferred written or spoken language."),
            SCIMAttribute("locale", .string, description: "The default location, for localizing."),
            SCIMAttribute("timezone", .string, description: "The time zone, in IANA format."),
            SCIMAttribute("active", .boolean, description: "The user's administrative status."),
            SCIMAttribute(
                "password", .string, description: "The cleartext password; never returned.", mutability: .writeOnly,
                returned: .never),
            plural("emails", description: "Email addresses.", types: ["work", "home", "other"]),
            plural("phoneNumbers", description: "Phone numbers.", types: ["work", "home", "mobile", "fax", "pager", "other"]),
            plural(
                "ims", description: "Instant messaging addresses.",
                types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
            plural(
                "photos", description: "URLs of photos of the user.", valueType: .reference, types: ["photo", "thumbnail"],
                referenceTypes: ["external"]),
            SCIMAttribute(
                "addresses", .complex, multiValued: true, description: "Physical mailing addresses.",
                subAttributes: [
                    SCIMAttribute("formatted", .string, description: "The full mailing address."),
                    SCIMAttribute("streetAddress", .string, description: "The street address."),
                    SCIMAttribute("locality", .string, description: "The city or locality."),
                    SCIMAttribute("region", .string, description: "The state or region."),
                    SCIMAttribute("postalCode", .string, description: "The zip code or postal code."),
                    SCIMAttribute("country", .string, description: "The country, ISO 3166-1 alpha-2."),
                    SCIMAttribute("type", .string, description: "A label for the address.", canonicalValues: ["work", "home", "other"]),
                    SCIMAttribute("primary", .boolean, description: "Whether this is the preferred address."),
                ]),
            SCIMAttribute(
                "groups", .complex, multiValued: true, description: "The groups the user belongs to; changed through the groups.",
                mutability: .readOnly,
                subAttributes: [
                    SCIMAttribute("value", .string, description: "The group's id.", mutability: .readOnly),
                    SCIMAttribute(
                        "$ref", .reference, description: "The group's URI.", mutability: .readOnly, referenceTypes: ["User", "Group"]),
                    SCIMAttribute("display", .string, description: "The group's display name.", mutability: .readOnly),
                    SCIMAttribute(
                        "type", .string, description: "Direct or indirect membership.", mutability: .readOnly,
                        canonicalValues: ["direct", "indirect"]),
                ]),
            plural("entitlements", description: "Entitlements of the user.", types: []),
            plural("roles", description: "Roles of the user.", types: []),
            plural("x509Certificates", description: "Certificates of the user.", valueType: .binary, types: []),
        ])

    /// The enterprise User extension (RFC 7643 §4.3).
    public static let enterpriseUser = SCIMSchema(
        id: SCIMSchemaURN.enterpriseUser, name: "EnterpriseUser", description: "Enterprise User",
        attributes: [
            SCIMAttribute("employeeNumber", .string, description: "The organization's identifier for the user."),
            SCIMAttribute("costCenter", .string, description: "The cost center."),
            SCIMAttribute("organization", .string, description: "The organization."),
            SCIMAttribute("division", .string, description: "The division."),
            SCIMAttribute("department", .string, description: "The department."),
            SCIMAttribute(
                "manager", .complex, description: "The user's manager.",
                subAttributes: [
                    SCIMAttribute("value", .string, description: "The manager's id."),
                    SCIMAttribute("$ref", .reference, description: "The manager's URI.", referenceTypes: ["User"]),
                    SCIMAttribute("displayName", .string, description: "The manager's display name.", mutability: .readOnly),
                ]),
        ])

    /// The core Group schema (RFC 7643 §4.2, §8.7.1).
    public static let group = SCIMSchema(
        id: SCIMSchemaURN.group, name: "Group", description: "Group",
        attributes: [
            SCIMAttribute("displayName", .string, description: "A human-readable name for the group.", required: true),
            SCIMAttribute(
                "members", .complex, multiValued: true, description: "The members of the group.",
                subAttributes: [
                    SCIMAttribute("value", .string, description: "The member's id.", caseExact: true, mutability: .immutable),
                    SCIMAttribute(
                        "$ref", .reference, description: "The member's URI.", mutability: .immutable, referenceTypes: ["User", "Group"]),
                    SCIMAttribute("display", .string, description: "The member's display name."),
                    SCIMAttribute(
                        "type", .string, description: "The member's resource type.", mutability: .immutable,
                        canonicalValues: ["User", "Group"]),
                ]),
        ])
}
