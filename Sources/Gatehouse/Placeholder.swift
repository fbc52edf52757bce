public enum GatehousePlaceholder {}
