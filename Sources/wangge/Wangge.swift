import ArgumentParser
import WanggeKit

@main
struct Wangge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wangge",
        abstract: "Grid-based service governance (网格化服务治理) for Chinese districts.",
        subcommands: [PartitionCommand.self, ValidateCommand.self, CheckCommand.self, CRSCommand.self, ExportCommand.self, MapCommand.self,
                      AssignCommand.self, GazetteerCommand.self, GeocodeCommand.self, ReportCommand.self, StaffCommand.self,
                      CaseCommand.self, PlanCommand.self, PlanDiffCommand.self, ServeCommand.self, UserCommand.self, LoginCommand.self]
    )
}
