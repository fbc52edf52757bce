public enum SAMLPlaceholder {}
