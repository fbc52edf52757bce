/// Attribute names the common IdPs use, in the order Gatehouse tries them.
public enum AttributeNames {
    /// Email: eduPerson/LDAP `mail` OID, Entra ID/ADFS claim, plain names.
    public static let email = [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email", "mail", "Email", "emailAddress",
    ]
    /// Groups: Entra ID/ADFS group claims, LDAP `memberOf` OID, plain names.
    public static let groups = [
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        "http://schemas.xmlsoap.org/claims/Group",
        "urn:oid:1.2.840.113556.1.2.102",
        "groups", "memberOf", "Groups", "Role", "role",
    ]
    /// Preferred user name: eduPersonPrincipalName, Entra ID `name` claim, `uid`, plain names.
    public static let preferredUsername = [
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        "urn:oid:0.9.2342.19200300.100.1.1",
        "username", "preferred_username", "uid",
    ]
}
