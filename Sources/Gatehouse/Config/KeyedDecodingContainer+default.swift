extension KeyedDecodingContainer {
    /// The value at `key`, or `defaultValue` when the file leaves the field out (or writes `null`).
    ///
    /// Config structs pass the property's declared initial value, so each default is written
    /// once, where the property is declared.
    func decode<Value: Decodable>(_ type: Value.Type = Value.self, forKey key: Key, default defaultValue: Value) throws -> Value {
        try decodeIfPresent(type, forKey: key) ?? defaultValue
    }
}
