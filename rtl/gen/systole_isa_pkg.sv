// GENERATED FILE, do not edit: written by arch/gen/isagen.cpp from arch/isa.toml.
package systole_isa_pkg;

  localparam int unsigned IsaVersion = 1;
  localparam int unsigned InsnBits = 128;
  localparam int unsigned OpcodeBits = 4;

  typedef enum logic [3:0] {
    OpLoad = 4'd0,
    OpMatmul = 4'd1,
    OpStore = 4'd2
  } opcode_e;

  localparam int unsigned MemIdFetch = 0;
  localparam int unsigned MemIdLoad = 1;
  localparam int unsigned MemIdStore = 2;
  localparam int unsigned TargetAcc = 1;
  localparam int unsigned TargetSpad = 0;

  // LOAD
  localparam int unsigned LoadOpcodeLsb = 0;
  localparam int unsigned LoadOpcodeBits = 4;
  localparam int unsigned LoadPopPrevLsb = 4;
  localparam int unsigned LoadPopPrevBits = 1;
  localparam int unsigned LoadPopNextLsb = 5;
  localparam int unsigned LoadPopNextBits = 1;
  localparam int unsigned LoadPushPrevLsb = 6;
  localparam int unsigned LoadPushPrevBits = 1;
  localparam int unsigned LoadPushNextLsb = 7;
  localparam int unsigned LoadPushNextBits = 1;
  localparam int unsigned LoadTargetLsb = 8;
  localparam int unsigned LoadTargetBits = 1;
  localparam int unsigned LoadSramAddrLsb = 9;
  localparam int unsigned LoadSramAddrBits = 16;
  localparam int unsigned LoadDramAddrLsb = 25;
  localparam int unsigned LoadDramAddrBits = 32;
  localparam int unsigned LoadDramStrideLsb = 57;
  localparam int unsigned LoadDramStrideBits = 20;
  localparam int unsigned LoadYSizeLsb = 77;
  localparam int unsigned LoadYSizeBits = 16;
  localparam int unsigned LoadXSizeLsb = 93;
  localparam int unsigned LoadXSizeBits = 8;
  localparam int unsigned LoadYPadBeforeLsb = 101;
  localparam int unsigned LoadYPadBeforeBits = 4;
  localparam int unsigned LoadYPadAfterLsb = 105;
  localparam int unsigned LoadYPadAfterBits = 4;
  localparam int unsigned LoadXPadBeforeLsb = 109;
  localparam int unsigned LoadXPadBeforeBits = 8;
  localparam int unsigned LoadPadValueLsb = 117;
  localparam int unsigned LoadPadValueBits = 8;
  typedef struct packed {
    logic [2:0] spare;
    logic [7:0] pad_value;
    logic [7:0] x_pad_before;
    logic [3:0] y_pad_after;
    logic [3:0] y_pad_before;
    logic [7:0] x_size;
    logic [15:0] y_size;
    logic [19:0] dram_stride;
    logic [31:0] dram_addr;
    logic [15:0] sram_addr;
    logic target;
    logic push_next;
    logic push_prev;
    logic pop_next;
    logic pop_prev;
    logic [3:0] opcode;
  } load_insn_t;

  // MATMUL
  localparam int unsigned MatmulOpcodeLsb = 0;
  localparam int unsigned MatmulOpcodeBits = 4;
  localparam int unsigned MatmulPopPrevLsb = 4;
  localparam int unsigned MatmulPopPrevBits = 1;
  localparam int unsigned MatmulPopNextLsb = 5;
  localparam int unsigned MatmulPopNextBits = 1;
  localparam int unsigned MatmulPushPrevLsb = 6;
  localparam int unsigned MatmulPushPrevBits = 1;
  localparam int unsigned MatmulPushNextLsb = 7;
  localparam int unsigned MatmulPushNextBits = 1;
  localparam int unsigned MatmulAAddrLsb = 8;
  localparam int unsigned MatmulAAddrBits = 16;
  localparam int unsigned MatmulWAddrLsb = 24;
  localparam int unsigned MatmulWAddrBits = 16;
  localparam int unsigned MatmulAccAddrLsb = 40;
  localparam int unsigned MatmulAccAddrBits = 16;
  localparam int unsigned MatmulRowsLsb = 56;
  localparam int unsigned MatmulRowsBits = 16;
  localparam int unsigned MatmulOuterLsb = 72;
  localparam int unsigned MatmulOuterBits = 8;
  localparam int unsigned MatmulAStrideLsb = 80;
  localparam int unsigned MatmulAStrideBits = 8;
  localparam int unsigned MatmulAOuterStrideLsb = 88;
  localparam int unsigned MatmulAOuterStrideBits = 16;
  localparam int unsigned MatmulWRowsLsb = 104;
  localparam int unsigned MatmulWRowsBits = 8;
  localparam int unsigned MatmulAccumulateLsb = 112;
  localparam int unsigned MatmulAccumulateBits = 1;
  localparam int unsigned MatmulLoadWeightsLsb = 113;
  localparam int unsigned MatmulLoadWeightsBits = 1;
  typedef struct packed {
    logic [13:0] spare;
    logic load_weights;
    logic accumulate;
    logic [7:0] w_rows;
    logic [15:0] a_outer_stride;
    logic [7:0] a_stride;
    logic [7:0] outer;
    logic [15:0] rows;
    logic [15:0] acc_addr;
    logic [15:0] w_addr;
    logic [15:0] a_addr;
    logic push_next;
    logic push_prev;
    logic pop_next;
    logic pop_prev;
    logic [3:0] opcode;
  } matmul_insn_t;

  // STORE
  localparam int unsigned StoreOpcodeLsb = 0;
  localparam int unsigned StoreOpcodeBits = 4;
  localparam int unsigned StorePopPrevLsb = 4;
  localparam int unsigned StorePopPrevBits = 1;
  localparam int unsigned StorePopNextLsb = 5;
  localparam int unsigned StorePopNextBits = 1;
  localparam int unsigned StorePushPrevLsb = 6;
  localparam int unsigned StorePushPrevBits = 1;
  localparam int unsigned StorePushNextLsb = 7;
  localparam int unsigned StorePushNextBits = 1;
  localparam int unsigned StoreAccAddrLsb = 8;
  localparam int unsigned StoreAccAddrBits = 16;
  localparam int unsigned StoreDramAddrLsb = 24;
  localparam int unsigned StoreDramAddrBits = 32;
  localparam int unsigned StoreDramStrideLsb = 56;
  localparam int unsigned StoreDramStrideBits = 20;
  localparam int unsigned StoreYSizeLsb = 76;
  localparam int unsigned StoreYSizeBits = 16;
  localparam int unsigned StoreXSizeLsb = 92;
  localparam int unsigned StoreXSizeBits = 8;
  localparam int unsigned StoreParamAddrLsb = 100;
  localparam int unsigned StoreParamAddrBits = 16;
  localparam int unsigned StoreRawLsb = 116;
  localparam int unsigned StoreRawBits = 1;
  typedef struct packed {
    logic [10:0] spare;
    logic raw;
    logic [15:0] param_addr;
    logic [7:0] x_size;
    logic [15:0] y_size;
    logic [19:0] dram_stride;
    logic [31:0] dram_addr;
    logic [15:0] acc_addr;
    logic push_next;
    logic push_prev;
    logic pop_next;
    logic pop_prev;
    logic [3:0] opcode;
  } store_insn_t;

  localparam int unsigned ParamRows = 3;
  localparam int unsigned ParamBiasRow = 0;
  localparam int unsigned ParamMultRow = 1;
  localparam int unsigned ParamWordRow = 2;
  typedef struct packed {
    logic [7:0] clamp_hi;
    logic [7:0] clamp_lo;
    logic [7:0] zero_point;
    logic [7:0] shift;
  } param_word_t;

  localparam logic [7:0] CsrCtrl = 8'h00;
  localparam logic [7:0] CsrStatus = 8'h04;
  localparam logic [7:0] CsrInsnBase = 8'h08;
  localparam logic [7:0] CsrInsnCount = 8'h0c;
  localparam logic [7:0] CsrErrorCode = 8'h10;
  localparam logic [7:0] CsrErrorInsn = 8'h14;
  localparam logic [7:0] CsrHwId = 8'h18;
  localparam logic [7:0] CsrHwDim = 8'h1c;
  localparam logic [7:0] CsrErrorUnit = 8'h20;
  localparam logic [7:0] CsrErrorAddr = 8'h24;
  localparam int unsigned BitCtrlIrqEnable = 2;
  localparam int unsigned BitCtrlReset = 1;
  localparam int unsigned BitCtrlStart = 0;
  localparam int unsigned BitErrorUnitWrite = 8;
  localparam int unsigned BitStatusBusy = 0;
  localparam int unsigned BitStatusDmaError = 3;
  localparam int unsigned BitStatusDone = 1;
  localparam int unsigned BitStatusError = 2;
  localparam logic [15:0] HwIdMagic = 16'h5157;
  localparam logic [7:0] CounterBase = 8'h40;
  localparam int unsigned NumCounters = 12;
  localparam int unsigned CntCycles = 0;
  localparam int unsigned CntInsns = 1;
  localparam int unsigned CntLoadBusy = 2;
  localparam int unsigned CntLoadWait = 3;
  localparam int unsigned CntExecBusy = 4;
  localparam int unsigned CntExecWait = 5;
  localparam int unsigned CntStoreBusy = 6;
  localparam int unsigned CntStoreWait = 7;
  localparam int unsigned CntArrayRows = 8;
  localparam int unsigned CntDramRdBytes = 9;
  localparam int unsigned CntDramWrBytes = 10;
  localparam int unsigned CntFetchBytes = 11;
  localparam logic [7:0] ErrBadField = 8'd4;
  localparam logic [7:0] ErrDmaBusError = 8'd1;
  localparam logic [7:0] ErrIllegalOpcode = 8'd2;
  localparam logic [7:0] ErrNone = 8'd0;
  localparam logic [7:0] ErrSramOutOfRange = 8'd3;

endpackage
