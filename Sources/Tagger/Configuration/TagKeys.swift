/// The three tag keys of the access model.
package struct TagKeys: Sendable, Equatable {
    /// Written by the platform: the user's name (`CreatedBy`).
    package var source: String
    /// Written by the function: `ROLEID:name`, what `${aws:userid}` is matched against (`AwsUserId`).
    package var target: String
    /// Written by the function beside the target tag of a self-service launch:
    /// the launcher's session name (`AwsUserIdLaunchedBy`). A sweep cannot see
    /// who launched an instance; this tag, which the guard lets only the
    /// function write, is how it knows.
    package var launchedBy: String

    package static let defaults = TagKeys(source: "CreatedBy", target: "AwsUserId", launchedBy: "AwsUserIdLaunchedBy")

    package init(source: String, target: String, launchedBy: String) {
        self.source = source
        self.target = target
        self.launchedBy = launchedBy
    }
}
