// The `velo` executable: everything lives in VeloFrontend.
import VeloFrontend

VeloCommand.runMain()
