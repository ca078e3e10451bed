namespace Backpack.Annotation.Rendering;

/// <summary>
/// The glyphs of the "plain" Hershey font (OpenCV's FONT_HERSHEY_PLAIN, the font of Python Backpack's
/// OpenCV driver) for the printable ASCII characters 32 (space) to 126 (~), in order.
/// </summary>
/// <remarks>
/// <para>
/// Source: the Hershey fonts, digitised by Dr. A. V. Hershey (U.S. National Bureau of Standards, 1967) and
/// distributed by the U.S. National Technical Information Service: public-domain data. These glyphs are the
/// ones OpenCV's table of Hershey glyphs (modules/imgproc/src/hershey_fonts.cpp) selects for
/// FONT_HERSHEY_PLAIN (simplex glyphs 1-26 for capitals, 101-126 for small letters, 190-234 for digits and
/// punctuation), copied as data.
/// </para>
/// <para>
/// Encoding, as in the Hershey distribution: every character is a coordinate relative to 'R' (so 'M' is −5
/// and 'W' is +5). The first pair is the glyph's left and right bearing; the pairs that follow are the
/// points (x, y; y grows downwards) of strokes, a space separating strokes. The cap line is at y = −5, the
/// baseline at y = +4 (plain glyphs put the bottom of capitals there) and descenders reach y = +7.
/// </para>
/// </remarks>
internal static class HersheyPlainGlyphs
{
    internal static readonly string[] Ascii =
    [
        "NV", // ' '
        "PURMRR SMSR RURVSVSURU", // !
        "NVPMPQ TMTQ", // "
        "MXQLQY TLTY OQVQ OTVT", // #
        "MWRKRX UNSMQMONOPQQTRUSUUSVQVOU", // $
        "LYPMQNQOPPOPNONNOMPMSNUNWMNV USTTTUUVVVWUWTVSUS", // %
        "LXVRURTSSURVOVNUNSORRQSPSNRMPMONOPQSSUUVVV", // &
        "PTRMRQ", // '
        "OUTKRNQQQSRVTY", // (
        "OUPKRNSQSSRVPY", // )
        "MWRORU OPUT UPOT", // *
        "LXRNRV NRVR", // +
        "PUSVRVRUSUSWRY", // ,
        "LXNRVR", // -
        "PURURVSVSURU", // .
        "MWVLNX", // /
        "MWRMPNOPOSPURVTUUSUPTNRM", // 0
        "MWPORMRV", // 1
        "MWONQMSMUNUPTROVUV", // 2
        "MWONQMSMUNUPSQ RQSQURUUSVQVOU", // 3
        "MWSMSV SMNSVS", // 4
        "MWPMOQQPRPTQUSTURVQVOU PMTM", // 5
        "MWTMRMPNOPOSPURVTUUSTQRPPQOS", // 6
        "MWUMQV OMUM", // 7
        "MWQMONOPQQSQUPUNSMQM QQOROUQVSVUUURSQ", // 8
        "MWUPTRRSPROPPNRMTNUPUSTURVPV", // 9
        "PURPRQSQSPRP RURVSVSURU", // :
        "PURPRQSQSPRP SVRVRUSUSWRY", // ;
        "MWUNORUV", // <
        "LXNPVP NTVT", // =
        "MWONUROV", // >
        "NWPNRMSMUNUPRQRRSRSQUP RURVSVSURU", // ?
        "KYTPTSUTVTWSWQVOUNSMQMONNOMQMSNUOVQWSWUV TQSPQPPQPSQTSTTS", // @
        "MWRMNV RMVV PSTS", // A
        "MWOMOV OMSMUNUPSQ OQSQURUUSVOV", // B
        "MXVNTMRMPNOPOSPURVTVVU", // C
        "MWOMOV OMRMTNUPUSTURVOV", // D
        "MWOMOV OMUM OQSQ OVUV", // E
        "MVOMOV OMUM OQSQ", // F
        "MXVNTMRMPNOPOSPURVTVVUVR SRVR", // G
        "MWOMOV UMUV OQUQ", // H
        "PTRMRV", // I
        "NUSMSTRVPVOTOS", // J
        "MWOMOV UMOS QQUV", // K
        "MVOMOV OVUV", // L
        "LXNMNV NMRV VMRV VMVV", // M
        "MWOMOV OMUV UMUV", // N
        "MXRMPNOPOSPURVSVUUVSVPUNSMRM", // O
        "MWOMOV OMSMUNUQSROR", // P
        "MXRMPNOPOSPURVSVUUVSVPUNSMRM STVW", // Q
        "MWOMOV OMSMUNUQSROR RRUV", // R
        "MWUNSMQMONOOPPTRUSUUSVQVOU", // S
        "MWRMRV NMVM", // T
        "MXOMOSPURVSVUUVSVM", // U
        "MWNMRV VMRV", // V
        "LXNMPV RMPV RMTV VMTV", // W
        "MWOMUV UMOV", // X
        "MWNMRQRV VMRQ", // Y
        "MWUMOV OMUM OVUV", // Z
        "OUTKQKQYTY", // [
        "MWNLVX", // \
        "OUPKSKSYPY", // ]
        "LXRONU ROVU", // ^
        "MWNVVV", // _
        "PVRMUQ", // `
        "NWQPTPUQUV URQSPTPUQVSVUU", // a
        "MWOMOV OSPURVTUUSTQRPPQOS", // b
        "MWUQSPRPPQOSPURVSVUU", // c
        "MWUMUV USTQRPPQOSPURVTUUS", // d
        "MWOSUSTQRPPQOSPURVTV", // e
        "NVUNTMSMRNRV PPTP", // f
        "MWUPUVTXRYPY USTQRPPQOSPURVTUUS", // g
        "MWOMOV OSPQRPTQUSUV", // h
        "PTRLQMRNSMRL RPRV", // i
        "PUSLRMSNTMSL SPSXRYQYPX", // j
        "NWPMPV UPPT RSUV", // k
        "PTRMRV", // l
        "KYMPMV MSNQOPPPQQRSRV RSSQTPUPVQWSWV", // m
        "MWOPOV OSPQRPTQUSUV", // n
        "MWRPPQOSPURVTUUSTQRP", // o
        "MWOPOY OSPURVTUUSTQRPPQOS", // p
        "MWUPUY USTQRPPQOSPURVTUUS", // q
        "NVPPPV PSQQSPTP", // r
        "NWUQTPQPPQPRQSTSUTUUTVQVPU", // s
        "NVRMRUSVTVUU PPTP", // t
        "MWUPUV OPOSPURVTUUS", // u
        "NVOPRV UPRV", // v
        "LXNPPV RPPV RPTV VPTV", // w
        "MWOPUV UPOV", // x
        "MWOPRV UPRVQXPYOY", // y
        "MWOPUPOVUV", // z
        "OUTKSLRNROSQQRSSRURVSXTY", // {
        "PTRKRY", // |
        "OUPKQLRNROQQSRQSRURVQXPY", // }
        "MWMMOKQKTMVMWK", // ~
    ];
}
