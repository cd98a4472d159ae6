#define REG_A 8
#define REG_B 4
